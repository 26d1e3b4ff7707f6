using Platform.Api.RateLimits;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.RateLimits;

public sealed class InProcessRateLimitStoreTests
{
    [Fact]
    public async Task TryTake_ConcurrentCallers_NeverAdmitMoreThanCapacity()
    {
        var store = new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ =>
            Task.Run(async () => await store.TryTakeAsync("project-1:rpm", 100, TimeSpan.FromMinutes(1), 1, CancellationToken.None))));

        Assert.Equal(100, decisions.Count(d => d.Allowed));
    }

    [Fact]
    public async Task TryTake_KeysAreIndependent_AndRefillWithTime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var store = new InProcessRateLimitStore(clock);
        var window = TimeSpan.FromMinutes(1);

        Assert.True((await store.TryTakeAsync("a", 2, window, 2, CancellationToken.None)).Allowed);
        Assert.False((await store.TryTakeAsync("a", 2, window, 1, CancellationToken.None)).Allowed);
        Assert.True((await store.TryTakeAsync("b", 2, window, 1, CancellationToken.None)).Allowed);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await store.TryTakeAsync("a", 2, window, 1, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task Adjust_RefundsWhatARequestDidNotUse()
    {
        var store = new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var window = TimeSpan.FromMinutes(1);
        await store.TryTakeAsync("t", 1_000, window, 1_000, CancellationToken.None);

        await store.AdjustAsync("t", 1_000, window, 700, CancellationToken.None);

        Assert.Equal(700, (await store.TryTakeAsync("t", 1_000, window, 0, CancellationToken.None)).Remaining);
    }
}
