namespace Platform.Inference.Engine;

/// <summary>
/// What one device has promised: sequence slots (at most <see cref="MaxBatchSize"/>) and KV-cache tokens (at most
/// <see cref="MaxKvTokens"/>). Admission takes both at once or nothing, so a sequence that starts always has room to
/// finish and is never preempted.
/// </summary>
internal sealed class DeviceBudget(int deviceId, int maxBatchSize, long maxKvTokens)
{
    private readonly Lock _lock = new();
    private int _reservedSequences;
    private long _reservedKvTokens;

    public int DeviceId { get; } = deviceId;

    public int MaxBatchSize { get; } = maxBatchSize;

    public long MaxKvTokens { get; } = maxKvTokens;

    public int ReservedSequences => Volatile.Read(ref _reservedSequences);

    public long ReservedKvTokens => Interlocked.Read(ref _reservedKvTokens);

    public long FreeKvTokens => MaxKvTokens - ReservedKvTokens;

    /// <summary>Raised after a reservation is released, outside the budget's lock.</summary>
    public Action? Released { get; set; }

    public bool CanEverFit(int sequences, long kvTokens) => sequences <= MaxBatchSize && kvTokens <= MaxKvTokens;

    public EngineReservation? TryReserve(int sequences, int kvTokensPerSequence)
    {
        var kvTokens = (long)sequences * kvTokensPerSequence;
        lock (_lock)
        {
            if (_reservedSequences + sequences > MaxBatchSize || _reservedKvTokens + kvTokens > MaxKvTokens)
            {
                return null;
            }

            _reservedSequences += sequences;
            Interlocked.Add(ref _reservedKvTokens, kvTokens);
        }

        return new EngineReservation(this, sequences, kvTokensPerSequence);
    }

    public void Release(EngineReservation reservation)
    {
        lock (_lock)
        {
            _reservedSequences -= reservation.Sequences;
            Interlocked.Add(ref _reservedKvTokens, -reservation.KvTokens);
        }

        Released?.Invoke();
    }
}
