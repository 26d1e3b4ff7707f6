using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Platform.Billing.Redis;

/// <summary>
/// Pub/sub on a connection of its own (RESP2 allows only (un)subscribe commands on it). Messages go through a bounded
/// queue to one dispatch loop, so a slow handler never stalls the socket reader for long and handlers see messages
/// in order. When the connection dies, a watcher reconnects with backoff and subscribes every channel again.
/// </summary>
internal sealed class RedisSubscriber : IAsyncDisposable
{
    // FullMode.Wait: a full queue stops reading the socket rather than dropping messages; if the handlers stay
    // behind, Redis's pub/sub output limit closes the connection and the watcher reconnects.
    private const int MaxQueuedMessages = 10_000;

    private readonly RedisConnectionSlot _slot;
    private readonly RedisConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, List<RedisSubscription>> _channels = new(StringComparer.Ordinal);
    private readonly Lock _channelsLock = new();

    // Serialises SUBSCRIBE, UNSUBSCRIBE and reconnecting, so the channel table and the server agree.
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Channel<(string Channel, string Message)> _messages;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _dispatchLoop;
    private Task _watcher = Task.CompletedTask;
    private int _connections;

    public RedisSubscriber(RedisConfiguration configuration, TimeProvider time, ILogger logger)
    {
        _configuration = configuration;
        _time = time;
        _logger = logger;
        _messages = Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(MaxQueuedMessages)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        _slot = new RedisConnectionSlot(configuration, time, logger, "subscriber", OnPushAsync, OnConnectedAsync);
        _dispatchLoop = Task.Run(DispatchLoopAsync);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Func<string, string, Task> onMessage, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(onMessage);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var subscription = new RedisSubscription(this, channel, onMessage);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Add(subscription))
            {
                try
                {
                    var connection = await _slot.GetAsync(cancellationToken).ConfigureAwait(false);
                    await connection.ExecuteAsync("SUBSCRIBE", [channel], cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    Remove(subscription);
                    throw;
                }
            }

            return subscription;
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task UnsubscribeAsync(RedisSubscription subscription)
    {
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            // A dead connection has forgotten the channel already, and the watcher will not restore it.
            if (Remove(subscription) && _slot.IsConnected && !_stopping.IsCancellationRequested)
            {
                var connection = await _slot.GetAsync(CancellationToken.None).ConfigureAwait(false);
                await connection.ExecuteAsync("UNSUBSCRIBE", [subscription.Channel], CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (RedisException ex)
        {
            RedisLog.UnsubscribeFailed(_logger, ex, subscription.Channel);
        }
        finally
        {
            _changes.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _messages.Writer.TryComplete();
        await _slot.DisposeAsync().ConfigureAwait(false);
        await Volatile.Read(ref _watcher).ConfigureAwait(false);
        await _dispatchLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>True when this is the channel's first handler, so the server must be told.</summary>
    private bool Add(RedisSubscription subscription)
    {
        lock (_channelsLock)
        {
            if (_channels.TryGetValue(subscription.Channel, out var handlers))
            {
                handlers.Add(subscription);
                return false;
            }

            _channels[subscription.Channel] = [subscription];
            return true;
        }
    }

    /// <summary>True when that was the channel's last handler.</summary>
    private bool Remove(RedisSubscription subscription)
    {
        lock (_channelsLock)
        {
            if (!_channels.TryGetValue(subscription.Channel, out var handlers) || !handlers.Remove(subscription) || handlers.Count > 0)
            {
                return false;
            }

            _channels.Remove(subscription.Channel);
            return true;
        }
    }

    private string[] SubscribedChannels()
    {
        lock (_channelsLock)
        {
            return [.. _channels.Keys];
        }
    }

    private RedisSubscription[] HandlersOf(string channel)
    {
        lock (_channelsLock)
        {
            return _channels.TryGetValue(channel, out var handlers) ? [.. handlers] : [];
        }
    }

    // Runs inside the slot's reconnect, before the connection is handed to anyone.
    private async Task OnConnectedAsync(RedisConnection connection, CancellationToken cancellationToken)
    {
        var channels = SubscribedChannels();
        await Task.WhenAll(channels.Select(channel => connection.ExecuteAsync("SUBSCRIBE", [channel], cancellationToken))).ConfigureAwait(false);
        if (Interlocked.Increment(ref _connections) > 1 && channels.Length > 0)
        {
            RedisLog.SubscriptionsRestored(_logger, _configuration.Endpoint, channels.Length);
        }

        Volatile.Write(ref _watcher, WatchAsync(connection));
    }

    /// <summary>Waits for the connection to die, then reconnects (and so re-subscribes) while any channel is wanted.</summary>
    private async Task WatchAsync(RedisConnection connection)
    {
        await connection.Closed.ConfigureAwait(false);
        while (!_stopping.IsCancellationRequested && SubscribedChannels().Length > 0)
        {
            try
            {
                await Task.Delay(_slot.RetryDelay, _time, _stopping.Token).ConfigureAwait(false);
                await _changes.WaitAsync(_stopping.Token).ConfigureAwait(false);
                try
                {
                    // The new connection's OnConnectedAsync starts the next watcher.
                    await _slot.GetAsync(_stopping.Token).ConfigureAwait(false);
                    return;
                }
                finally
                {
                    _changes.Release();
                }
            }
            catch (RedisException)
            {
                // Logged by the slot; try again once its backoff has passed.
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private ValueTask OnPushAsync(RedisValue reply)
    {
        var items = reply.AsArray();
        var message = (items[1].AsString()!, items[2].AsString()!);
        return _messages.Writer.TryWrite(message) ? ValueTask.CompletedTask : EnqueueSlowAsync(message);
    }

    private async ValueTask EnqueueSlowAsync((string, string) message)
    {
        try
        {
            await _messages.Writer.WriteAsync(message, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Shutting down: the message has no one left to go to.
        }
    }

    private async Task DispatchLoopAsync()
    {
        try
        {
            await foreach (var (channel, message) in _messages.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (var subscription in HandlersOf(channel))
                {
                    await InvokeAsync(subscription, message).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed: undelivered messages are dropped.
        }
    }

    private async Task InvokeAsync(RedisSubscription subscription, string message)
    {
        try
        {
            await subscription.OnMessage(subscription.Channel, message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Logged, not rethrown: one handler's failure must not end delivery to every other handler.
            RedisLog.HandlerFailed(_logger, ex, subscription.Channel);
        }
    }
}
