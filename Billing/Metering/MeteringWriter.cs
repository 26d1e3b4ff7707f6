using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Billing.Metering;

/// <summary>
/// The one loop that drains the metering queue: batches of up to <see cref="MeteringOptions.BatchSize"/> events or
/// whatever arrived within <see cref="MeteringOptions.FlushIntervalMs"/> of a batch's first event go to Postgres;
/// a batch Postgres refuses or does not take in time goes to the spool, and while the spool holds anything it is
/// offered to Postgres every <see cref="MeteringOptions.ReplayIntervalMs"/>. On shutdown the queue is drained to
/// Postgres or the spool before the loop ends. Every event is also on the journal from the moment it was recorded:
/// after each batch the writer reports its events handled and rotates the journal, and it fsyncs the journal every
/// <see cref="MeteringOptions.JournalFsyncIntervalMs"/>; journal segments left by a killed process are moved into
/// the spool at start-up and replayed like any spooled batch.
/// </summary>
internal sealed partial class MeteringWriter(
    UsageMeter meter,
    UsageEventStore store,
    MeteringSpoolFactory spoolFactory,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<MeteringWriter> logger) : BackgroundService
{
    private readonly MeteringOptions _options = options.Value;
    private readonly Lock _lateLock = new();
    private readonly Dictionary<long, int> _batchSegments = [];
    private MeteringSpool? _spool;
    private MeteringJournal? _journal;
    private MeteringMetrics? _metrics;
    private volatile bool _postgresDown;
    private long _oldestInFlightTicks;
    private long _oldestSpooledTicks;
    private long _lastReplay;

    public MeteringStatus Status()
    {
        var now = time.GetUtcNow().UtcTicks;
        var oldest = long.MaxValue;
        foreach (var ticks in new[] { Interlocked.Read(ref _oldestInFlightTicks), Interlocked.Read(ref _oldestSpooledTicks) })
        {
            if (ticks > 0)
            {
                oldest = Math.Min(oldest, ticks);
            }
        }

        if (meter.TryPeekOldest(out var queued) && queued is not null)
        {
            oldest = Math.Min(oldest, queued.EndedAt.UtcTicks);
        }

        var lag = oldest == long.MaxValue ? 0 : Math.Max(0, TimeSpan.FromTicks(now - oldest).TotalSeconds);
        return new MeteringStatus(meter.Queued, _spool?.Events ?? 0, _spool?.Bytes ?? 0, lag, !_postgresDown);
    }

    internal void AttachMetrics(MeteringMetrics metrics) => _metrics = metrics;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _spool = spoolFactory.Open();
        var recovered = RecoverJournal(_spool);
        _journal = new MeteringJournal(_spool.Directory);
        meter.AttachJournal(_journal);
        if (recovered > 0)
        {
            LogJournalRecovered(logger, recovered, _spool.Directory);
        }

        if (_spool.HasData)
        {
            // Left by an earlier run (perhaps killed): replay as soon as the loop starts.
            _postgresDown = true;
            Interlocked.Exchange(ref _oldestSpooledTicks, time.GetUtcNow().UtcTicks);
            LogSpoolFound(logger, _spool.Events, _spool.Directory);
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Events recorded from now on go straight to the spool; the loop drains what is queued and ends.
        meter.Complete(SpoolLate);
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCanceled: true })
        {
            // The base class starts the loop with the stopping token, so a stop that comes before the loop ran
            // cancels it unstarted: drain here instead, or the queued events are lost.
            await ExecuteAsync(new CancellationToken(canceled: true));
        }
    }

    public override void Dispose()
    {
        lock (_lateLock)
        {
            _journal?.Dispose();
            _spool?.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var stopSync = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var syncing = SyncJournalAsync(stopSync.Token);
        var reader = meter.Reader;
        var batch = new List<UsageEvent>(_options.BatchSize);
        while (true)
        {
            if (!reader.TryRead(out var first))
            {
                var wait = _spool!.HasData && !stoppingToken.IsCancellationRequested ? TimeSpan.FromMilliseconds(_options.ReplayIntervalMs) : Timeout.InfiniteTimeSpan;
                var (more, _) = await WaitToReadAsync(wait);
                if (!more && reader.Completion.IsCompleted)
                {
                    break;
                }

                await ReplayIfDueAsync(stoppingToken);
                continue;
            }

            Add(batch, first);
            Interlocked.CompareExchange(ref _oldestInFlightTicks, first.Event.EndedAt.UtcTicks, 0);
            await FillAsync(batch);
            await WriteOrSpoolAsync(batch);
            batch.Clear();
            HandedOn();
            Interlocked.Exchange(ref _oldestInFlightTicks, 0);
            await ReplayIfDueAsync(stoppingToken);
        }

        await stopSync.CancelAsync();
        await syncing;
        LogDrained(logger, _spool!.Events);
    }

    /// <summary>
    /// Moves the journal segments an earlier process left in this slot (it was killed, or could not hand them on)
    /// into the spool, fsynced, so that the replay takes them to Postgres; events already there count once.
    /// </summary>
    private static long RecoverJournal(MeteringSpool spool)
    {
        long recovered = 0;
        foreach (var segment in MeteringJournal.LeftOver(spool.Directory))
        {
            var events = MeteringSpool.ReadSegment(segment).SelectMany(b => b).ToList();
            if (events.Count > 0)
            {
                spool.Append(events);
                recovered += events.Count;
            }

            File.Delete(segment);
        }

        spool.Seal();
        return recovered;
    }

    private void Add(List<UsageEvent> batch, JournaledEvent journaled)
    {
        batch.Add(journaled.Event);
        _batchSegments[journaled.Segment] = _batchSegments.GetValueOrDefault(journaled.Segment) + 1;
    }

    /// <summary>The batch is in Postgres or the spool (or lost, and counted so): its journal entries are no longer needed.</summary>
    private void HandedOn()
    {
        foreach (var (segment, events) in _batchSegments)
        {
            _journal!.Done(segment, events);
        }

        _batchSegments.Clear();
        _journal!.Rotate();
    }

    /// <summary>Bounds what a power loss can take: events not yet in Postgres that the page cache held for longer than the interval.</summary>
    private async Task SyncJournalAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.JournalFsyncIntervalMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                _journal!.FlushToDisk();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop drains the queue into Postgres or the spool, which is fsynced.
        }
    }

    private async Task FillAsync(List<UsageEvent> batch)
    {
        var reader = meter.Reader;
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.FlushIntervalMs * (Stopwatch.Frequency / 1000.0));
        while (batch.Count < _options.BatchSize)
        {
            while (batch.Count < _options.BatchSize && reader.TryRead(out var next))
            {
                Add(batch, next);
            }

            var remaining = deadline - Stopwatch.GetTimestamp();
            if (batch.Count >= _options.BatchSize || remaining <= 0)
            {
                return;
            }

            var (more, timedOut) = await WaitToReadAsync(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency));
            if (!more || timedOut)
            {
                return;
            }
        }
    }

    private async Task<(bool More, bool TimedOut)> WaitToReadAsync(TimeSpan wait)
    {
        if (wait == Timeout.InfiniteTimeSpan)
        {
            return (await meter.Reader.WaitToReadAsync(), false);
        }

        using var timeout = new CancellationTokenSource(wait, time);
        try
        {
            return (await meter.Reader.WaitToReadAsync(timeout.Token), false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (false, true);
        }
    }

    private async Task WriteOrSpoolAsync(List<UsageEvent> batch)
    {
        if (!_postgresDown)
        {
            var written = await TryWriteAsync(batch);
            if (written is var (inserted, duplicates))
            {
                _metrics?.Count("written", inserted);
                _metrics?.Count("duplicate", duplicates);
                return;
            }
        }

        Spool(batch);
    }

    private void Spool(List<UsageEvent> batch)
    {
        try
        {
            lock (_lateLock)
            {
                if (!_spool!.HasData)
                {
                    Interlocked.Exchange(ref _oldestSpooledTicks, batch.Min(e => e.EndedAt.UtcTicks));
                }

                _spool.Append(batch);
            }

            _metrics?.Count("spooled", batch.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _metrics?.Count("lost", batch.Count);
            LogSpoolFailed(logger, ex, batch.Count);
        }
    }

    private void SpoolLate(JournaledEvent usage)
    {
        Spool([usage.Event]);
        lock (_lateLock)
        {
            _journal?.Done(usage.Segment, 1);
        }
    }

    /// <summary>
    /// Writes to Postgres within the write timeout: the events stored and those already there; null when it could not (Postgres is then marked down and the
    /// batch belongs in the spool). A batch Postgres rejects for its data (classes 22 and 23: it would fail on
    /// every replay too) is set aside in the spool folder's rejected file, so it cannot block the spool.
    /// </summary>
    private async Task<(int Inserted, int Duplicates)?> TryWriteAsync(List<UsageEvent> batch)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.WriteTimeoutMs), time);
        try
        {
            var inserted = await store.WriteAsync(batch, timeout.Token);
            return (inserted, batch.Count - inserted);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            LogRejected(logger, ex, batch.Count);
            try
            {
                lock (_lateLock)
                {
                    _spool!.Reject(batch);
                }

                _metrics?.Count("rejected", batch.Count);
            }
            catch (Exception spoolError) when (spoolError is IOException or UnauthorizedAccessException)
            {
                // The batch cannot be set aside either; the loop must go on for every other event.
                _metrics?.Count("lost", batch.Count);
                LogSpoolFailed(logger, spoolError, batch.Count);
            }

            // Neither stored nor already there: counted as rejected only.
            return (0, 0);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unreachable, restarting, too slow, or a connection broken mid-batch: whatever it was, nothing of the
            // transaction was committed that a replay would count twice.
            if (!_postgresDown)
            {
                LogPostgresUnavailable(logger, $"{ex.GetType().Name}: {ex.Message}");
            }

            _postgresDown = true;
            store.ClearPool();
            return null;
        }
    }

    private async Task ReplayIfDueAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ReplayAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // The spool stays as it is and is tried again at the next interval.
            LogReplayFailed(logger, ex);
        }
    }

    private async Task ReplayAsync(CancellationToken stoppingToken)
    {
        var spool = _spool!;
        if (!spool.HasData || stoppingToken.IsCancellationRequested ||
            Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastReplay)).TotalMilliseconds < _options.ReplayIntervalMs)
        {
            return;
        }

        Interlocked.Exchange(ref _lastReplay, Stopwatch.GetTimestamp());
        IReadOnlyList<string> segments;
        lock (_lateLock)
        {
            // Listed under the same lock as the seal: a late event spooled in between would otherwise open a new
            // segment that is listed, replayed and deleted while still being appended to.
            spool.Seal();
            segments = spool.SealedSegments();
        }

        foreach (var segment in segments)
        {
            var batches = MeteringSpool.ReadSegment(segment);
            foreach (var batch in batches)
            {
                if (await TryWriteAsync(batch) is not var (inserted, duplicates))
                {
                    return;
                }

                _metrics?.Count("replayed", inserted);
                _metrics?.Count("duplicate", duplicates);
            }

            lock (_lateLock)
            {
                spool.Delete(segment, batches.Sum(b => b.Count));
            }
        }

        if (!spool.HasData)
        {
            Interlocked.Exchange(ref _oldestSpooledTicks, 0);
            if (_postgresDown)
            {
                LogPostgresBack(logger);
            }

            _postgresDown = false;
        }
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Usage metering: Postgres is unavailable ({Reason}); batches go to the local spool until it returns")]
    private static partial void LogPostgresUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Usage metering: Postgres is back and the spool has been replayed")]
    private static partial void LogPostgresBack(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Usage metering: {Events} events found in the spool at {Directory}; replaying them")]
    private static partial void LogSpoolFound(ILogger logger, long events, string directory);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Critical, Message = "Usage metering: {Events} events could be written neither to Postgres nor to the spool")]
    private static partial void LogSpoolFailed(ILogger logger, Exception exception, int events);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Critical, Message = "Usage metering: Postgres rejected a batch of {Events} events for its data; it was set aside in the spool folder's rejected file")]
    private static partial void LogRejected(ILogger logger, Exception exception, int events);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Usage metering: {Events} events found in the journal of a process that did not stop cleanly, moved to the spool at {Directory}")]
    private static partial void LogJournalRecovered(ILogger logger, long events, string directory);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Usage metering: the spool could not be read for replay")]
    private static partial void LogReplayFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Usage metering stopped; {Events} events wait in the spool")]
    private static partial void LogDrained(ILogger logger, long events);
}
