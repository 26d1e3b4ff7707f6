using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisPubSubTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly RedisClient _subscriber = redis.CreateClient();
    private readonly RedisClient _publisher = redis.CreateClient();
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisPubSubTests));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _subscriber.DisposeAsync();
        await _publisher.DisposeAsync();
    }

    [Fact]
    public async Task Publish_FromAnotherClient_ReachesSubscriberInOrder()
    {
        var channel = _prefix + "events";
        var inbox = new MessageInbox();
        await using var subscription = await _subscriber.SubscribeAsync(channel, inbox.Handle);

        var receivers = await _publisher.PublishAsync(channel, "one");
        await _publisher.PublishAsync(channel, "two");
        await _publisher.PublishAsync(channel, "three");
        await inbox.WaitForAsync("three");

        Assert.Equal(1, receivers);
        Assert.Equal([(channel, "one"), (channel, "two"), (channel, "three")], inbox.Received);
    }

    [Fact]
    public async Task Publish_SameClient_DeliversToItsOwnSubscription()
    {
        var channel = _prefix + "self";
        var inbox = new MessageInbox();
        await using var subscription = await _subscriber.SubscribeAsync(channel, inbox.Handle);

        await _subscriber.PublishAsync(channel, "hello");

        await inbox.WaitForAsync("hello");
    }

    [Fact]
    public async Task Subscribe_TwoHandlersOneChannel_BothReceiveAndOneCanLeave()
    {
        var channel = _prefix + "shared";
        var first = new MessageInbox();
        var second = new MessageInbox();
        var firstSubscription = await _subscriber.SubscribeAsync(channel, first.Handle);
        await using var secondSubscription = await _subscriber.SubscribeAsync(channel, second.Handle);

        await _publisher.PublishAsync(channel, "both");
        await first.WaitForAsync("both");
        await second.WaitForAsync("both");
        await firstSubscription.DisposeAsync();
        var receivers = await _publisher.PublishAsync(channel, "second only");
        await second.WaitForAsync("second only");

        Assert.Equal(1, receivers);
        Assert.False(first.Has("second only"));
    }

    [Fact]
    public async Task Dispose_LastHandler_UnsubscribesOnServer()
    {
        var channel = _prefix + "leaving";
        var inbox = new MessageInbox();
        var subscription = await _subscriber.SubscribeAsync(channel, inbox.Handle);

        await subscription.DisposeAsync();
        await subscription.DisposeAsync();
        var receivers = await _publisher.PublishAsync(channel, "nobody");

        Assert.Equal(0, receivers);
    }

    [Fact]
    public async Task Handler_Throws_LaterMessagesAndOtherChannelsStillDelivered()
    {
        var failing = _prefix + "failing";
        var healthy = _prefix + "healthy";
        var inbox = new MessageInbox();
        await using var bad = await _subscriber.SubscribeAsync(failing, (_, _) => throw new InvalidOperationException("handler bug"));
        await using var good = await _subscriber.SubscribeAsync(healthy, inbox.Handle);

        await _publisher.PublishAsync(failing, "boom");
        await _publisher.PublishAsync(healthy, "still here");

        await inbox.WaitForAsync("still here");
    }

    [Fact]
    public async Task Subscribe_ManyChannels_EachGetsOnlyItsMessages()
    {
        var inboxes = Enumerable.Range(0, 20).Select(_ => new MessageInbox()).ToArray();
        var subscriptions = await Task.WhenAll(inboxes.Select((inbox, i) => _subscriber.SubscribeAsync($"{_prefix}ch{i}", inbox.Handle)));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _publisher.PublishAsync($"{_prefix}ch{i}", $"m{i}")));
        for (var i = 0; i < inboxes.Length; i++)
        {
            await inboxes[i].WaitForAsync($"m{i}");
        }

        Assert.All(inboxes, inbox => Assert.Single(inbox.Received));
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }
}
