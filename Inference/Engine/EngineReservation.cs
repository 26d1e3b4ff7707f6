namespace Platform.Inference.Engine;

/// <summary>
/// Engine capacity held for one request: sequence slots and KV-cache tokens on one device, from admission until
/// disposed. Sequences started with it consume its slots; the capacity itself returns only on <see cref="Dispose"/>,
/// so a response with several choices keeps its share until the whole response has ended.
/// </summary>
public sealed class EngineReservation : IDisposable
{
    private readonly DeviceBudget _budget;
    private int _taken;
    private int _disposed;

    internal EngineReservation(DeviceBudget budget, int sequences, int kvTokensPerSequence)
    {
        _budget = budget;
        Sequences = sequences;
        KvTokensPerSequence = kvTokensPerSequence;
        KvTokens = (long)sequences * kvTokensPerSequence;
    }

    public int DeviceId => _budget.DeviceId;

    /// <summary>Sequence slots reserved.</summary>
    public int Sequences { get; }

    /// <summary>KV tokens reserved for each sequence (prompt + max tokens).</summary>
    public int KvTokensPerSequence { get; }

    /// <summary>Total KV tokens reserved: <see cref="Sequences"/> x <see cref="KvTokensPerSequence"/>.</summary>
    public long KvTokens { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal DeviceBudget Budget => _budget;

    /// <summary>Releases the capacity (once) and raises <see cref="DevicePool.CapacityReleased"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _budget.Release(this);
        }
    }

    /// <summary>Takes one slot for a sequence; more sequences than reserved is a caller's bug.</summary>
    internal void TakeSlot()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Interlocked.Increment(ref _taken) > Sequences)
        {
            Interlocked.Decrement(ref _taken);
            throw new InvalidOperationException($"The reservation holds {Sequences} sequence slot(s), and all are taken.");
        }
    }
}
