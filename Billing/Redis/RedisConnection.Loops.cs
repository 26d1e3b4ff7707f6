using System.Buffers;

namespace Platform.Billing.Redis;

internal sealed partial class RedisConnection
{
    // Flush mid-batch past this much so a long burst starts reaching the server before the queue runs dry.
    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// Drains the queue into the pipe and flushes whenever the queue is momentarily empty, so concurrent callers'
    /// commands leave in few large writes. A command enters the reply queue before its bytes can reach the server.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        try
        {
            var queue = _outgoing.Reader;
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                while (queue.TryRead(out var command))
                {
                    if (!TryStartReply(command))
                    {
                        continue;
                    }

                    new RespWriter(_output).WriteCommand(command.Command, command.Args);
                    if (_output.UnflushedBytes >= FlushThreshold)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }

                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Whatever ends the loop, even a bug, must fail the waiting callers rather than leave them to time out.
            Fault(ex);
        }

        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Completing flushes what is left, into a socket that may be closed already; nobody waits for it.
        }
    }

    private bool TryStartReply(PendingCommand command)
    {
        // Timed out or cancelled while queued: nobody waits for it, so it is not sent.
        if (command.IsAbandoned)
        {
            return false;
        }

        lock (_gate)
        {
            if (_fault is null)
            {
                _awaitingReply.Enqueue(command);
                return true;
            }
        }

        command.Fail(_fault);
        return false;
    }

    private async ValueTask FlushAsync()
    {
        var result = await _output.FlushAsync().ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new RedisConnectionException($"The connection to Redis at {_configuration.Endpoint} is closed.");
        }
    }

    /// <summary>Parses replies as they arrive and hands each to the oldest waiting command (or to the push handler).</summary>
    private async Task ReadLoopAsync()
    {
        Exception reason;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryParse(ref buffer, out var reply))
                {
                    if (_onPush is not null && IsPushMessage(reply))
                    {
                        // Waits when the subscriber's queue is full: back-pressure onto the socket.
                        await _onPush(reply).ConfigureAwait(false);
                    }
                    else
                    {
                        CompleteOldest(reply);
                    }
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    reason = new RedisConnectionException($"Redis at {_configuration.Endpoint} closed the connection.");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // As in the writer: any end of this loop fails every waiting caller at once.
            reason = ex is RedisException ? ex : new RedisConnectionException($"The connection to Redis at {_configuration.Endpoint} failed: {ex.Message}", ex);
        }

        Fault(reason);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    private static bool TryParse(ref ReadOnlySequence<byte> buffer, out RedisValue reply)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!RespParser.TryRead(ref reader, out reply))
        {
            return false;
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private void CompleteOldest(in RedisValue reply)
    {
        PendingCommand? oldest;
        lock (_gate)
        {
            _awaitingReply.TryDequeue(out oldest);
        }

        if (oldest is null)
        {
            throw new RedisProtocolException("Redis sent a reply no command was waiting for.");
        }

        oldest.Complete(reply);
    }

    // RESP2 pub/sub delivers ["message", channel, payload]; subscribe and unsubscribe confirmations answer commands.
    private static bool IsPushMessage(in RedisValue reply)
    {
        if (reply.Kind != RedisValueKind.Array)
        {
            return false;
        }

        var items = reply.AsArray();
        return items.Count == 3 && items[0].Kind == RedisValueKind.BulkString && items[0].AsBytes().Span.SequenceEqual("message"u8);
    }
}
