namespace Platform.Api.WaitingRoom;

/// <summary>What happened to a request on entering the queue.</summary>
internal enum EntryOutcome
{
    /// <summary>Capacity was free: admitted without waiting.</summary>
    Admitted,

    /// <summary>In the queue, waiting for capacity.</summary>
    Queued,

    QueueFull,
    ProjectQueueFull,
    EstimatedWaitTooLong,

    /// <summary>The replica is draining: the queue takes nobody.</summary>
    Draining,
}
