namespace Platform.Inference.Engine;

/// <summary>
/// What one device has promised: sequence slots (at most <see cref="MaxBatchSize"/>) and KV-cache tokens (at most
/// <see cref="MaxKvTokens"/>). Admission takes a request's slots and its admission tokens at once or nothing
/// (<see cref="KvAdmission"/>: prompt + max tokens, or prompt + one growth block); running sequences then take more
/// tokens as they grow (<see cref="TryTake"/>) and give back what they hold when they leave or are preempted.
/// </summary>
/// <remarks>
/// Cached KV blocks no running sequence uses (the prefix cache, <see cref="CachedKvTokens"/>) count as used, but they
/// never cause a refusal: <see cref="EvictCached"/> is asked to free what is missing first. Tokens that preempted
/// sequences need to come back (<see cref="PendingKvTokens"/>) are promised to them: admission counts them as taken,
/// so a preempted sequence resumes before anything new is admitted. The delegates are called under the budget's lock
/// and must not call back into it.
/// </remarks>
internal sealed class DeviceBudget(int deviceId, int maxBatchSize, long maxKvTokens, KvAdmission admission = KvAdmission.OnDemand)
{
    private readonly Lock _lock = new();
    private int _reservedSequences;
    private long _reservedKvTokens;
    private long _pendingKvTokens;

    public int DeviceId { get; } = deviceId;

    public int MaxBatchSize { get; } = maxBatchSize;

    public long MaxKvTokens { get; } = maxKvTokens;

    public KvAdmission Admission { get; } = admission;

    public int ReservedSequences => Volatile.Read(ref _reservedSequences);

    /// <summary>Tokens held: by admitted requests whose sequences have not started, and by sequences (growth included).</summary>
    public long ReservedKvTokens => Interlocked.Read(ref _reservedKvTokens);

    /// <summary>Tokens preempted sequences need to resume (their prompt, what they generated and one block).</summary>
    public long PendingKvTokens => Interlocked.Read(ref _pendingKvTokens);

    public long FreeKvTokens => MaxKvTokens - ReservedKvTokens - PendingKvTokens - CachedKvTokens();

    /// <summary>Tokens held by cached blocks no running sequence uses (the prefix cache's); none by default.</summary>
    public Func<long> CachedKvTokens { get; set; } = static () => 0;

    /// <summary>Evicts least-recently-used unused cached blocks worth at least the tokens asked for; returns the tokens freed.</summary>
    public Func<long, long> EvictCached { get; set; } = static _ => 0;

    /// <summary>Raised after tokens or slots are given back, outside the budget's lock.</summary>
    public Action? Released { get; set; }

    public bool CanEverFit(int sequences, long kvTokens) => sequences <= MaxBatchSize && kvTokens <= MaxKvTokens;

    /// <summary>
    /// Admission: the slots and <paramref name="sequences"/> x <paramref name="kvTokensPerSequence"/> tokens, or null.
    /// On demand, the sequences already admitted must keep one growth block each free afterwards, so that admitting
    /// more never forces a running sequence out at its next block.
    /// </summary>
    public EngineReservation? TryReserve(int sequences, int kvTokensPerSequence)
    {
        var kvTokens = (long)sequences * kvTokensPerSequence;
        lock (_lock)
        {
            var headroom = Admission == KvAdmission.OnDemand ? (long)KvGrowth.BlockTokens * _reservedSequences : 0;
            if (_reservedSequences + sequences > MaxBatchSize || !Fits(kvTokens + headroom, _reservedKvTokens + _pendingKvTokens))
            {
                return null;
            }

            _reservedSequences += sequences;
            Interlocked.Add(ref _reservedKvTokens, kvTokens);
        }

        return new EngineReservation(this, sequences, kvTokensPerSequence);
    }

    /// <summary>
    /// Growth or a resume: <paramref name="kvTokens"/> more for a sequence already admitted, if they fit beside what is
    /// held, with <paramref name="headroom"/> left free besides (promises to preempted sequences do not count: the
    /// caller is the scheduler that keeps them). <paramref name="force"/> takes them regardless, for the one sequence
    /// that must always make progress.
    /// </summary>
    public bool TryTake(long kvTokens, long headroom = 0, bool force = false)
    {
        lock (_lock)
        {
            if (!force && !Fits(kvTokens + headroom, _reservedKvTokens))
            {
                return false;
            }

            Interlocked.Add(ref _reservedKvTokens, kvTokens);
            return true;
        }
    }

    public void Release(int sequences, long kvTokens)
    {
        if (sequences == 0 && kvTokens == 0)
        {
            return;
        }

        lock (_lock)
        {
            _reservedSequences -= sequences;
            Interlocked.Add(ref _reservedKvTokens, -kvTokens);
        }

        Released?.Invoke();
    }

    /// <summary>A preempted sequence's need to come back is promised (positive) or settled (negative).</summary>
    public void Promise(long kvTokens)
    {
        lock (_lock)
        {
            Interlocked.Add(ref _pendingKvTokens, kvTokens);
        }

        if (kvTokens < 0)
        {
            Released?.Invoke();
        }
    }

    private bool Fits(long kvTokens, long committed)
    {
        if (committed + kvTokens > MaxKvTokens)
        {
            return false;
        }

        var missing = committed + CachedKvTokens() + kvTokens - MaxKvTokens;
        if (missing <= 0)
        {
            return true;
        }

        EvictCached(missing);
        return committed + CachedKvTokens() + kvTokens <= MaxKvTokens;
    }
}
