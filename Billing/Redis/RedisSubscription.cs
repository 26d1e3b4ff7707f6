namespace Platform.Billing.Redis;

/// <summary>One handler on one channel; disposing it (once, from any thread) removes the handler.</summary>
internal sealed class RedisSubscription(RedisSubscriber owner, string channel, Func<string, string, Task> onMessage) : IAsyncDisposable
{
    private int _disposed;

    public string Channel { get; } = channel;

    public Func<string, string, Task> OnMessage { get; } = onMessage;

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(owner.UnsubscribeAsync(this)) : ValueTask.CompletedTask;
}
