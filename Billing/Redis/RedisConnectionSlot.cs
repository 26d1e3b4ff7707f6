using Microsoft.Extensions.Logging;

namespace Platform.Billing.Redis;

/// <summary>
/// Holds the current connection of one role (commands, or pub/sub) and replaces it when it dies: the first caller
/// that finds it dead reconnects while the others wait for that attempt, so there is at most one attempt at a time.
/// After a failed attempt, callers fail fast until the backoff has passed instead of queueing behind a dead server.
/// </summary>
internal sealed class RedisConnectionSlot : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly RedisConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _role;
    private readonly Func<RedisValue, ValueTask>? _onPush;
    private readonly Func<RedisConnection, CancellationToken, Task>? _onConnected;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RedisConnection? _current;
    private int _failures;
    private long _nextAttemptAt;
    private RedisConnectionException? _lastFailure;
    private bool _disposed;

    /// <summary>
    /// <c>onPush</c> takes pub/sub messages (subscriber role only); <c>onConnected</c> runs on each new connection
    /// before anyone else can use it (to re-subscribe).
    /// </summary>
    public RedisConnectionSlot(
        RedisConfiguration configuration,
        TimeProvider time,
        ILogger logger,
        string role,
        Func<RedisValue, ValueTask>? onPush = null,
        Func<RedisConnection, CancellationToken, Task>? onConnected = null)
    {
        _configuration = configuration;
        _time = time;
        _logger = logger;
        _role = role;
        _onPush = onPush;
        _onConnected = onConnected;
    }

    public bool IsConnected => Volatile.Read(ref _current) is { IsAlive: true };

    /// <summary>How long until a reconnect may be tried again (zero when it may be tried now).</summary>
    public TimeSpan RetryDelay
    {
        get
        {
            var wait = Volatile.Read(ref _nextAttemptAt) - _time.GetTimestamp();
            return wait <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency);
        }
    }

    /// <summary>The open connection, opening one if there is none or the last one died.</summary>
    public ValueTask<RedisConnection> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        return current is { IsAlive: true } ? ValueTask.FromResult(current) : new(ReconnectAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_current is not null)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RedisConnection> ReconnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is { IsAlive: true } current)
            {
                return current;
            }

            await ReleaseDeadAsync().ConfigureAwait(false);
            if (_lastFailure is not null && RetryDelay > TimeSpan.Zero)
            {
                throw new RedisConnectionException(
                    $"Redis at {_configuration.Endpoint} is unreachable; next attempt in {RetryDelay.TotalMilliseconds:F0} ms. Last error: {_lastFailure.Message}",
                    _lastFailure);
            }

            return await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReleaseDeadAsync()
    {
        if (_current is { } dead)
        {
            _current = null;
            RedisLog.ConnectionLost(_logger, await dead.Closed.ConfigureAwait(false), _role, _configuration.Endpoint);
            await dead.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<RedisConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        RedisConnection? fresh = null;
        try
        {
            fresh = await RedisConnection.ConnectAsync(_configuration, _onPush, _time, cancellationToken).ConfigureAwait(false);
            if (_onConnected is not null)
            {
                await _onConnected(fresh, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException)
        {
            if (fresh is not null)
            {
                await fresh.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            _failures++;
            _lastFailure = ex as RedisConnectionException ?? new RedisConnectionException($"Setting up the Redis {_role} connection failed: {ex.Message}", ex);
            var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(_failures - 1, 16)));
            Volatile.Write(ref _nextAttemptAt, _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency));
            RedisLog.ConnectFailed(_logger, ex, _role, _configuration.Endpoint, _failures, (long)delay.TotalMilliseconds);
            if (ex == _lastFailure)
            {
                throw;
            }

            throw _lastFailure;
        }

        _failures = 0;
        _lastFailure = null;
        Volatile.Write(ref _current, fresh);
        RedisLog.Connected(_logger, _role, _configuration.Endpoint);
        return fresh;
    }
}
