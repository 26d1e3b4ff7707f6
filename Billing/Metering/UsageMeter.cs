using System.Threading.Channels;

namespace Platform.Billing.Metering;

/// <summary>
/// Where requests hand their usage events: each is first appended to the local journal (no fsync: it survives the
/// process being killed), then put on a bounded channel drained by <see cref="MeteringWriter"/>. Recording never
/// touches the database; only a full queue (the writer spools rather than waits, so this means the local disk is
/// behind) makes a request wait. Events recorded after the writer has stopped go straight to the spool.
/// </summary>
public sealed class UsageMeter
{
    private readonly Channel<JournaledEvent> _channel;
    private Action<JournaledEvent>? _afterStop;
    private MeteringJournal? _journal;

    public UsageMeter(int capacity)
    {
        _channel = Channel.CreateBounded<JournaledEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Events waiting for the writer.</summary>
    public int Queued => _channel.Reader.Count;

    internal ChannelReader<JournaledEvent> Reader => _channel.Reader;

    /// <summary>
    /// Journals the event, then queues it. The caller records before the response's last byte is sent, so an event
    /// whose response a client received completely is on the journal when the process dies.
    /// </summary>
    public ValueTask RecordAsync(UsageEvent usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var journaled = new JournaledEvent(usage, Volatile.Read(ref _journal)?.Append(usage) ?? 0);
        return _channel.Writer.TryWrite(journaled) ? ValueTask.CompletedTask : RecordSlowAsync(journaled);
    }

    /// <summary>Set by the writer when it starts, once the journal's slot is taken.</summary>
    internal void AttachJournal(MeteringJournal journal) => Volatile.Write(ref _journal, journal);

    /// <summary>Stops taking events into the queue; later ones go to <paramref name="afterStop"/> (the spool).</summary>
    internal void Complete(Action<JournaledEvent> afterStop)
    {
        Volatile.Write(ref _afterStop, afterStop);
        _channel.Writer.TryComplete();
    }

    internal bool TryPeekOldest(out UsageEvent? oldest)
    {
        var found = _channel.Reader.TryPeek(out var journaled);
        oldest = found ? journaled.Event : null;
        return found;
    }

    private async ValueTask RecordSlowAsync(JournaledEvent usage)
    {
        try
        {
            await _channel.Writer.WriteAsync(usage);
        }
        catch (ChannelClosedException)
        {
            Volatile.Read(ref _afterStop)?.Invoke(usage);
        }
    }
}
