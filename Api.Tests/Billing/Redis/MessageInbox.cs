using System.Collections.Concurrent;

namespace Platform.Api.Tests.Billing.Redis;

/// <summary>Collects pub/sub messages for a test to wait on.</summary>
internal sealed class MessageInbox
{
    private readonly ConcurrentQueue<(string Channel, string Message)> _received = new();

    public IReadOnlyCollection<(string Channel, string Message)> Received => _received;

    public Task Handle(string channel, string message)
    {
        _received.Enqueue((channel, message));
        return Task.CompletedTask;
    }

    public bool Has(string message) => _received.Any(m => m.Message == message);

    public Task WaitForAsync(string message) =>
        Poll.UntilAsync(() => Has(message), TimeSpan.FromSeconds(10), $"message '{message}'");
}
