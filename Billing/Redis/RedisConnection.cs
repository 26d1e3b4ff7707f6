using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Platform.Billing.Redis;

/// <summary>
/// One TCP connection, pipelined: callers queue commands on a bounded channel that one writer loop drains into the
/// socket, and one reader loop completes them in the order they were written (Redis answers in order). Once it dies
/// it stays dead: every queued and in-flight command fails and the owner opens a new one.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    // Enough for every request of a busy replica in flight at once; past it callers wait (FullMode.Wait), bounded
    // by their sync timeout, which is the back-pressure a slow or paused server should cause.
    private const int MaxQueuedCommands = 65_536;

    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RedisConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly Func<RedisValue, ValueTask>? _onPush;
    private readonly Channel<PendingCommand> _outgoing;

    // Written but not yet answered, oldest first. Guarded by _gate together with _fault, so a command is either
    // queued here before the connection dies (and failed by Fault) or sees the fault and fails itself.
    private readonly Queue<PendingCommand> _awaitingReply = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writeLoop;
    private readonly Task _readLoop;
    private Exception? _fault;

    private RedisConnection(Socket socket, RedisConfiguration configuration, TimeProvider time, Func<RedisValue, ValueTask>? onPush)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _configuration = configuration;
        _time = time;
        _onPush = onPush;
        // Many callers write; the writer loop reads, and so does Fault when it drains what is left.
        _outgoing = Channel.CreateBounded<PendingCommand>(new BoundedChannelOptions(MaxQueuedCommands)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        _writeLoop = Task.Run(WriteLoopAsync);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public bool IsAlive => Volatile.Read(ref _fault) is null;

    /// <summary>Completes, with the reason, when the connection dies or is disposed.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>
    /// Opens a connection and runs the handshake (AUTH, SELECT, CLIENT SETNAME, PING) within connectTimeout.
    /// <c>onPush</c> receives pub/sub messages; it is null on a command connection, where none can arrive.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(
        RedisConfiguration configuration, Func<RedisValue, ValueTask>? onPush, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(configuration.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RedisConnection? connection = null;
        var opened = false;
        try
        {
            await socket.ConnectAsync(configuration.Host, configuration.Port, linked.Token).ConfigureAwait(false);
            connection = new RedisConnection(socket, configuration, time, onPush);
            await connection.HandshakeAsync(linked.Token).ConfigureAwait(false);
            opened = true;
            return connection;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RedisConnectionException(
                $"Could not connect to Redis at {configuration.Endpoint} within {configuration.ConnectTimeout.TotalMilliseconds} ms.", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or RedisException)
        {
            throw new RedisConnectionException($"Could not connect to Redis at {configuration.Endpoint}: {ex.Message}", ex);
        }
        finally
        {
            if (!opened)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    socket.Dispose();
                }
            }
        }
    }

    /// <summary>Sends one command and waits up to syncTimeout for its reply.</summary>
    public Task<RedisValue> ExecuteAsync(string command, IReadOnlyList<RedisArg> args, CancellationToken cancellationToken) =>
        ExecuteAsync(command, args, _configuration.SyncTimeout, cancellationToken);

    private Task<RedisValue> ExecuteAsync(string command, IReadOnlyList<RedisArg> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new PendingCommand(command, args);
        if (_outgoing.Writer.TryWrite(pending))
        {
            return AwaitReplyAsync(pending, timeout, cancellationToken);
        }

        return Volatile.Read(ref _fault) is { } fault
            ? Task.FromException<RedisValue>(new RedisConnectionException($"{command} failed: {fault.Message}", fault))
            : EnqueueSlowAsync(pending, timeout, cancellationToken);
    }

    /// <summary>Fails what is queued and in flight, closes the socket and waits for both loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Fault(new RedisConnectionException($"The connection to Redis at {_configuration.Endpoint} was closed by this client."));
        await Task.WhenAll(_writeLoop, _readLoop).ConfigureAwait(false);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        // Sent together: one round trip however many there are. Bounded by connectTimeout (the token), not syncTimeout.
        var timeout = _configuration.ConnectTimeout;
        var replies = new List<Task<RedisValue>>(4);
        if (_configuration.Password is { } password)
        {
            replies.Add(ExecuteAsync("AUTH", _configuration.User is { } user ? [user, password] : [password], timeout, cancellationToken));
        }

        if (_configuration.Database != 0)
        {
            replies.Add(ExecuteAsync("SELECT", [_configuration.Database], timeout, cancellationToken));
        }

        if (_configuration.ClientName is { } name)
        {
            replies.Add(ExecuteAsync("CLIENT", ["SETNAME", name], timeout, cancellationToken));
        }

        // Proves a Redis is listening, not merely something that accepts TCP.
        replies.Add(ExecuteAsync("PING", [], timeout, cancellationToken));
        await Task.WhenAll(replies).ConfigureAwait(false);
    }

    private async Task<RedisValue> AwaitReplyAsync(PendingCommand pending, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            pending.Abandon();
            throw new RedisTimeoutException(
                $"{pending.Command} got no reply from Redis at {_configuration.Endpoint} within {timeout.TotalMilliseconds} ms.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Abandon();
            throw;
        }
    }

    private async Task<RedisValue> EnqueueSlowAsync(PendingCommand pending, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var queueTimeout = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, queueTimeout.Token);
        try
        {
            await _outgoing.Writer.WriteAsync(pending, linked.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            var fault = Volatile.Read(ref _fault) ?? ex;
            throw new RedisConnectionException($"{pending.Command} failed: {fault.Message}", fault);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RedisTimeoutException(
                $"{pending.Command} could not be queued for Redis at {_configuration.Endpoint} within {timeout.TotalMilliseconds} ms.");
        }

        return await AwaitReplyAsync(pending, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first reason wins; later calls do nothing. Safe from any thread.</summary>
    private void Fault(Exception reason)
    {
        PendingCommand[] inFlight;
        lock (_gate)
        {
            if (_fault is not null)
            {
                return;
            }

            _fault = reason;
            inFlight = [.. _awaitingReply];
            _awaitingReply.Clear();
        }

        _outgoing.Writer.TryComplete();
        foreach (var command in inFlight)
        {
            command.Fail(reason);
        }

        while (_outgoing.Reader.TryRead(out var queued))
        {
            queued.Fail(reason);
        }

        // Closing the socket ends the reader's pending receive and any blocked send.
        _stream.Dispose();
        _closed.TrySetResult(reason);
    }
}
