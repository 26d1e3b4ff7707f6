using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Billing.Moderation;

namespace Platform.Api.Moderations;

/// <summary>
/// Puts flagged events into Postgres off the request path: requests only <see cref="TryEnqueue"/> (never wait); one
/// background loop writes them in batches. If the database is down the batch is retried a few times and then dropped
/// with a log line, so an outage costs review records, never completions. On shutdown what is still queued is written once more.
/// </summary>
internal sealed partial class ModerationEventWriter : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan[] Retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];
    private static readonly TimeSpan ShutdownWriteTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<NewModerationEvent> _queue;
    private readonly ModerationEventRepository _events;
    private readonly TimeProvider _time;
    private readonly ILogger<ModerationEventWriter> _logger;
    private int _droppedSinceLog;
    private int _writing;

    public ModerationEventWriter(ModerationEventRepository events, TimeProvider time, IOptions<ModerationOptions> options, ILogger<ModerationEventWriter> logger)
    {
        _events = events;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<NewModerationEvent>(new BoundedChannelOptions(options.Value.EventQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
    }

    public void TryEnqueue(NewModerationEvent moderationEvent)
    {
        if (!_queue.Writer.TryWrite(moderationEvent) && Interlocked.Increment(ref _droppedSinceLog) == 1)
        {
            LogQueueFull(_logger);
        }
    }

    /// <summary>Waits until every event queued so far has been written or given up on (for tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_queue.Reader.Count > 0 || Volatile.Read(ref _writing) == 1)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCanceled: true })
        {
            // The base class starts the loop with the stopping token: a stop that came first cancelled it unstarted.
            await ExecuteAsync(new CancellationToken(canceled: true));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<NewModerationEvent>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Volatile.Write(ref _writing, 1);
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteAsync(batch, stoppingToken);
                batch.Clear();
                Interlocked.Exchange(ref _droppedSinceLog, 0);
                Volatile.Write(ref _writing, 0);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await DrainAsync(batch);
    }

    /// <summary>
    /// On shutdown, what is queued (and a batch whose write the stop interrupted) gets one more write, bounded in time
    /// and without retries: a deploy would otherwise drop every event not yet written.
    /// </summary>
    private async Task DrainAsync(List<NewModerationEvent> batch)
    {
        while (_queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        if (batch.Count > 0)
        {
            using var timeout = new CancellationTokenSource(ShutdownWriteTimeout, _time);
            try
            {
                await _events.AddAsync(batch, timeout.Token);
            }
            catch (Exception ex)
            {
                LogDropped(_logger, ex, batch.Count);
            }
        }

        Volatile.Write(ref _writing, 0);
    }

    private async Task WriteAsync(List<NewModerationEvent> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _events.AddAsync(batch, stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt == Retries.Length)
                {
                    LogDropped(_logger, ex, batch.Count);
                    return;
                }

                LogRetrying(_logger, ex, batch.Count, Retries[attempt].TotalSeconds);
                await Task.Delay(Retries[attempt], _time, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Moderation events are arriving faster than they are written; new ones are dropped until the queue drains")]
    private static partial void LogQueueFull(ILogger logger);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Writing {Count} moderation events failed; retrying in {Seconds} s")]
    private static partial void LogRetrying(ILogger logger, Exception exception, int count, double seconds);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Gave up writing {Count} moderation events")]
    private static partial void LogDropped(ILogger logger, Exception exception, int count);
}
