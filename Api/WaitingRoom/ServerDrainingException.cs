namespace Platform.Api.WaitingRoom;

/// <summary>A queued request was turned away because the replica is draining.</summary>
internal sealed class ServerDrainingException : Exception
{
    public ServerDrainingException()
        : base("Turned away from the waiting room: the server is shutting down.")
    {
    }
}
