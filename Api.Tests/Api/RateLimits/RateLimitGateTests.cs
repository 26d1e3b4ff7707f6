using Microsoft.AspNetCore.Http;
using Platform.Api.RateLimits;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.RateLimits;

public sealed class RateLimitGateTests
{
    private static readonly ProjectLimits Free = new("proj_1", RequestsPerMinute: 3, TokensPerMinute: 1_000, TokensPerDay: 1_500, MaxConcurrentRequests: 1);

    [Fact]
    public async Task AdmitRequest_OverRpm_RefusedWithTypeRequestsAndAMessageNamingTheLimit()
    {
        var gate = new RateLimitGate(new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch)), TimeProvider.System);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await gate.AdmitRequestAsync(Free, CancellationToken.None)).Allowed);
        }

        var refused = await gate.AdmitRequestAsync(Free, CancellationToken.None);
        Assert.False(refused.Allowed);
        Assert.Equal("requests", refused.Type);
        Assert.Contains("requests per min (RPM): Limit 3", refused.Message, StringComparison.Ordinal);
        Assert.Equal(20_000, refused.RetryAfterMs);
    }

    [Fact]
    public async Task ReserveTokens_ReconciledWithRealUse_GivesBackTheRest()
    {
        var gate = new RateLimitGate(new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch)), TimeProvider.System);

        var first = await gate.ReserveTokensAsync(Free, 900, CancellationToken.None);
        var refused = await gate.ReserveTokensAsync(Free, 900, CancellationToken.None);
        await gate.ReconcileAsync(Free, reserved: 900, used: 100, CancellationToken.None);
        var after = await gate.ReserveTokensAsync(Free, 900, CancellationToken.None);

        Assert.True(first.Allowed);
        Assert.False(refused.Allowed);
        Assert.Equal("tokens", refused.Type);
        Assert.True(after.Allowed);
    }

    [Fact]
    public async Task ReserveTokens_DailyLimitRefuses_MinuteBucketIsNotCharged()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new RateLimitGate(new InProcessRateLimitStore(clock), clock);
        Assert.True((await gate.ReserveTokensAsync(Free, 1_000, CancellationToken.None)).Allowed);
        clock.Advance(TimeSpan.FromMinutes(1));

        var refused = await gate.ReserveTokensAsync(Free, 1_000, CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.Contains("tokens per day (TPD)", refused.Message, StringComparison.Ordinal);
        Assert.True((await gate.ReserveTokensAsync(Free, 400, CancellationToken.None)).Allowed);
    }

    [Fact]
    public void Headers_AreOpenAiShaped()
    {
        IHeaderDictionary headers = new HeaderDictionary();
        var requests = new RateLimitResult(true, "requests", 500, 499, 120, 0, null);
        var tokens = new RateLimitResult(false, "tokens", 200_000, 10, 360_000, 1_250, "m");

        RateLimitHeaders.Apply(headers, requests, tokens);
        RateLimitHeaders.ApplyRetry(headers, tokens);

        Assert.Equal("500", headers["x-ratelimit-limit-requests"]);
        Assert.Equal("499", headers["x-ratelimit-remaining-requests"]);
        Assert.Equal("120ms", headers["x-ratelimit-reset-requests"]);
        Assert.Equal("6m0s", headers["x-ratelimit-reset-tokens"]);
        Assert.Equal("2", headers.RetryAfter);
        Assert.Equal("1250", headers["retry-after-ms"]);
    }

    [Fact]
    public async Task Quota_CountsUsedTokensPerMonth_AndStartsAgainNextMonth()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        var gate = new RateLimitGate(new InProcessRateLimitStore(clock), clock);
        var limits = Free with { MonthlyTokenQuota = 100 };

        Assert.True(await gate.QuotaAllowsAsync(limits, 100, CancellationToken.None));
        await gate.ConsumeQuotaAsync(limits, 80, CancellationToken.None);
        Assert.True(await gate.QuotaAllowsAsync(limits, 20, CancellationToken.None));
        Assert.False(await gate.QuotaAllowsAsync(limits, 21, CancellationToken.None));
        Assert.True(await gate.QuotaAllowsAsync(Free, 1_000_000, CancellationToken.None));

        clock.Advance(TimeSpan.FromHours(2));
        Assert.True(await gate.QuotaAllowsAsync(limits, 100, CancellationToken.None));
    }
}
