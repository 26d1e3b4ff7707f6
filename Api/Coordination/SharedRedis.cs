using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Api.Coordination;

/// <summary>
/// The process's one <see cref="ConnectionMultiplexer"/>, connected on first use and reconnecting by itself (it
/// restores subscriptions too). Calls through <see cref="RunAsync{T}"/> fail fast: at once while the multiplexer
/// reports no connection, and after <see cref="RedisOptions.FailFastMs"/> otherwise, so callers fall back to local
/// state instead of waiting for the client's own timeouts.
/// </summary>
internal sealed class SharedRedis : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly TimeSpan _failFast;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly List<Action<IConnectionMultiplexer>> _onConnected = [];
    private ConnectionMultiplexer? _multiplexer;

    public SharedRedis(IOptions<RedisOptions> options, ILoggerFactory loggers)
    {
        _configuration = ConfigurationOptions.Parse(options.Value.Configuration);
        // Start without Redis and keep retrying in the background; queueing commands while disconnected would
        // make every request wait for the reconnect.
        _configuration.AbortOnConnectFail = false;
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _configuration.LoggerFactory = loggers;
        _failFast = TimeSpan.FromMilliseconds(options.Value.FailFastMs);
    }

    /// <summary>True once connected and while the multiplexer reports a live connection.</summary>
    public bool IsConnected => _multiplexer?.IsConnected ?? false;

    public async Task<IConnectionMultiplexer> GetAsync()
    {
        if (Volatile.Read(ref _multiplexer) is { } ready)
        {
            return ready;
        }

        await _connecting.WaitAsync();
        try
        {
            if (_multiplexer is null)
            {
                var connected = await ConnectionMultiplexer.ConnectAsync(_configuration);
                foreach (var action in _onConnected)
                {
                    action(connected);
                }

                Volatile.Write(ref _multiplexer, connected);
            }

            return _multiplexer;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the multiplexer once it exists (now, if it does): tracing hooks in this way.</summary>
    public void WhenConnected(Action<IConnectionMultiplexer> action)
    {
        _connecting.Wait();
        try
        {
            if (_multiplexer is { } multiplexer)
            {
                action(multiplexer);
            }
            else
            {
                _onConnected.Add(action);
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Runs <paramref name="call"/> against the database, or throws a <see cref="RedisException"/> or <see cref="TimeoutException"/> within the fail-fast time.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        var multiplexer = await GetAsync();
        if (!multiplexer.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "Redis is not connected.", null, CommandStatus.WaitingToBeSent);
        }

        return await call(multiplexer.GetDatabase()).WaitAsync(_failFast, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.DisposeAsync();
        }

        _connecting.Dispose();
    }
}
