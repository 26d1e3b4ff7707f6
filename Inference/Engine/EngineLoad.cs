namespace Platform.Inference.Engine;

/// <summary>
/// One device's load: sequences decoding in the running batch, sequences admitted but not yet decoding (queued or
/// in prefill), and the budgets the admission works against.
/// </summary>
public sealed record DeviceLoad(
    int DeviceId,
    int RunningSequences,
    int WaitingSequences,
    int ReservedSequences,
    int MaxBatchSize,
    long ReservedKvTokens,
    long UsedKvTokens,
    long MaxKvTokens)
{
    /// <summary>Tokens preempted sequences need to resume: promised to them, so admission counts them as taken.</summary>
    public long PendingKvTokens { get; init; }

    /// <summary>Tokens held by cached blocks no running sequence uses (the prefix cache); counted as used.</summary>
    public long CachedKvTokens { get; init; }

    /// <summary>Sequences preempted and waiting (counted in <see cref="WaitingSequences"/> too) to be recomputed.</summary>
    public int PreemptedSequences { get; init; }

    /// <summary>Reserved KV tokens over the budget (0..1).</summary>
    public double KvUtilization => MaxKvTokens == 0 ? 0d : (double)ReservedKvTokens / MaxKvTokens;
}

/// <summary>
/// A pool's load: every device, plus the requests waiting inside the engine for capacity on any device
/// (<see cref="QueuedSequences"/>, only from callers that did not reserve first).
/// </summary>
public sealed record EngineLoad(IReadOnlyList<DeviceLoad> Devices, int QueuedSequences = 0)
{
    public int RunningSequences => Devices.Sum(d => d.RunningSequences);

    /// <summary>Sequences not yet decoding: on a device (queued or in prefill) or waiting in the engine for one.</summary>
    public int WaitingSequences => Devices.Sum(d => d.WaitingSequences) + QueuedSequences;

    public int ReservedSequences => Devices.Sum(d => d.ReservedSequences);

    public long ReservedKvTokens => Devices.Sum(d => d.ReservedKvTokens);

    public long UsedKvTokens => Devices.Sum(d => d.UsedKvTokens);

    public long MaxKvTokens => Devices.Sum(d => d.MaxKvTokens);

    public long PendingKvTokens => Devices.Sum(d => d.PendingKvTokens);

    public long CachedKvTokens => Devices.Sum(d => d.CachedKvTokens);

    public int PreemptedSequences => Devices.Sum(d => d.PreemptedSequences);
}
