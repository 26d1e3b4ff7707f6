namespace Platform.Api.WaitingRoom;

/// <summary>Higher priority first, then earlier arrival.</summary>
internal sealed class QueueTicketOrder : IComparer<QueueTicket>
{
    public static QueueTicketOrder Instance { get; } = new();

    public int Compare(QueueTicket? x, QueueTicket? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        var byPriority = y!.Priority.CompareTo(x!.Priority);
        return byPriority != 0 ? byPriority : x.Arrival.CompareTo(y.Arrival);
    }
}
