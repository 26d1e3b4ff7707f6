using Platform.Inference.Engine;

namespace Platform.Api.WaitingRoom;

/// <summary>
/// One request waiting for engine capacity: what it needs, its place in the order (tier priority, then arrival),
/// and the reservation once it is admitted. Its state changes only under its queue's lock.
/// </summary>
internal sealed class QueueTicket(string project, int priority, long arrival, bool free, int sequences, int kvTokensPerSequence, long enteredAt)
{
    private readonly TaskCompletionSource<EngineReservation> _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Project { get; } = project;

    /// <summary>The tier's <c>waiting_room_priority</c>: higher goes first.</summary>
    public int Priority { get; } = priority;

    /// <summary>Arrival order within the queue: earlier goes first among equal priorities.</summary>
    public long Arrival { get; } = arrival;

    /// <summary>A free-tier request: it may not use the share of capacity kept for paid tiers.</summary>
    public bool Free { get; } = free;

    public int Sequences { get; } = sequences;

    public int KvTokensPerSequence { get; } = kvTokensPerSequence;

    public long KvTokens => (long)Sequences * KvTokensPerSequence;

    /// <summary>A <see cref="TimeProvider"/> timestamp of when it arrived.</summary>
    public long EnteredAt { get; } = enteredAt;

    public Task<EngineReservation> Admitted => _admitted.Task;

    public void Admit(EngineReservation reservation) => _admitted.SetResult(reservation);

    /// <summary>Pushed out of a full queue by a request of a higher tier.</summary>
    public void Evict() => _admitted.SetException(new QueueEvictedException());

    /// <summary>Turned away while waiting, for <paramref name="reason"/> (the replica drains).</summary>
    public void Refuse(Exception reason) => _admitted.SetException(reason);
}
