using Microsoft.Extensions.Options;
using Platform.Api.WaitingRoom;

namespace Platform.Api.Lifecycle;

/// <summary>
/// The graceful drain a rollout needs. On SIGTERM the host stops, and before any hosted service (Kestrel included)
/// stops, <see cref="StoppingAsync"/> turns the replica not-ready, refuses new completions and everything waiting in
/// the waiting room with 503, and waits for the running completions up to <c>Api:DrainTimeout</c>; then it cuts
/// the ones still running (streams end with an error event) and gives them a moment to write it. Kestrel keeps
/// listening meanwhile, so late arrivals hear a 503 they can retry rather than a refused connection; the metering
/// writer stops after Kestrel and flushes what the drained requests left.
/// </summary>
internal sealed partial class Drain(IOptions<ApiOptions> options, WaitingRooms rooms, TimeProvider time, ILogger<Drain> logger)
    : IHostedLifecycleService, IDisposable
{
    /// <summary>How long cut requests get to write their error event before the host goes on stopping.</summary>
    private static readonly TimeSpan CutGrace = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cut = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _draining;

    public bool IsDraining => _draining;

    /// <summary>Cancelled when the drain timeout has passed: what still runs is ended.</summary>
    public CancellationToken Cut => _cut.Token;

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Counts a completion in; false once draining (it must be refused).</summary>
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_draining)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    public void Leave()
    {
        lock (_lock)
        {
            _inFlight--;
            if (_draining && _inFlight == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        int running;
        lock (_lock)
        {
            _draining = true;
            running = _inFlight;
            if (running == 0)
            {
                _idle.TrySetResult();
            }
        }

        var timeout = options.Value.DrainTimeout;
        LogDraining(logger, running, timeout.TotalSeconds);
        foreach (var queue in rooms.Queues)
        {
            queue.RefuseAll();
        }

        try
        {
            await _idle.Task.WaitAsync(timeout, time, cancellationToken);
            LogDrained(logger);
        }
        catch (TimeoutException)
        {
            LogCutting(logger, InFlight);
            await _cut.CancelAsync();
            try
            {
                await _idle.Task.WaitAsync(CutGrace, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                LogStillRunning(logger, InFlight);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's own shutdown timeout passed: it goes on stopping, and Kestrel ends what is left.
            LogStillRunning(logger, InFlight);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _cut.Dispose();

    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Draining: not ready, new completions refused; waiting up to {TimeoutSeconds} s for {Running} running")]
    private static partial void LogDraining(ILogger logger, int running, double timeoutSeconds);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Drained: no completion running")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Drain timeout passed: ending {Running} running completions with an error")]
    private static partial void LogCutting(ILogger logger, int running);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "{Running} completions still running as the host stops")]
    private static partial void LogStillRunning(ILogger logger, int running);
}
