namespace Platform.Billing.Redis;

/// <summary>
/// One command between its caller and its reply. Continuations run on the thread pool so a caller's code never runs
/// on (and stalls) the connection's reader loop.
/// </summary>
internal sealed class PendingCommand(string command, IReadOnlyList<RedisArg> args)
    : TaskCompletionSource<RedisValue>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public string Command { get; } = command;

    public IReadOnlyList<RedisArg> Args { get; } = args;

    /// <summary>Completed before it was written (timed out or cancelled while queued): the writer skips it.</summary>
    public bool IsAbandoned => Task.IsCompleted;

    public void Complete(in RedisValue reply)
    {
        if (reply.Kind == RedisValueKind.Error)
        {
            TrySetException(new RedisServerException(reply.AsString()!));
        }
        else
        {
            TrySetResult(reply);
        }
    }

    /// <summary>Each caller gets its own exception (one shared instance would collect every caller's stack).</summary>
    public void Fail(Exception reason) =>
        TrySetException(new RedisConnectionException($"{Command} failed: {reason.Message}", reason));

    public void Abandon() => TrySetCanceled();
}
