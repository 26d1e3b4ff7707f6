using System.Threading.Channels;

namespace Platform.Billing.Metering;

/// <summary>
/// Where requests hand their usage events: a bounded channel drained by <see cref="MeteringWriter"/>. Recording
/// never touches the database; only a full queue (the writer spools rather than waits, so this means the local disk
/// is behind) makes a request wait. Events recorded after the writer has stopped go straight to the spool.
/// </summary>
public sealed class UsageMeter
{
    private readonly Channel<UsageEvent> _channel;
    private Action<UsageEvent>? _afterStop;

    public UsageMeter(int capacity)
    {
        _channel = Channel.CreateBounded<UsageEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Events waiting for the writer.</summary>
    public int Queued => _channel.Reader.Count;

    internal ChannelReader<UsageEvent> Reader => _channel.Reader;

    public ValueTask RecordAsync(UsageEvent usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return _channel.Writer.TryWrite(usage) ? ValueTask.CompletedTask : RecordSlowAsync(usage);
    }

    /// <summary>Stops taking events into the queue; later ones go to <paramref name="afterStop"/> (the spool).</summary>
    internal void Complete(Action<UsageEvent> afterStop)
    {
        Volatile.Write(ref _afterStop, afterStop);
        _channel.Writer.TryComplete();
    }

    internal bool TryPeekOldest(out UsageEvent? oldest) => _channel.Reader.TryPeek(out oldest);

    private async ValueTask RecordSlowAsync(UsageEvent usage)
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
