namespace Platform.Api.WaitingRoom;

/// <summary>A queued request was pushed out of the full queue by one of a higher tier.</summary>
internal sealed class QueueEvictedException : Exception
{
    public QueueEvictedException()
        : base("Pushed out of the waiting room by a request of a higher tier.")
    {
    }
}
