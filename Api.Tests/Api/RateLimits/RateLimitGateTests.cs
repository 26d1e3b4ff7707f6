using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Http;
using Platform.Api.RateLimits;

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
            Assert.True((await gate.AdmitRequestAsync(Free, CancellationToken.None)).Requests.Allowed);
        }

        var refused = (await gate.AdmitRequestAsync(Free, CancellationToken.None)).Requests;
        Assert.False(refused.Allowed);
        Assert.Equal("requests", refused.Type);
        Assert.Contains("requests per min (RPM): Limit 3", refused.Message, StringComparison.Ordinal);
        Assert.Equal(20_000, refused.RetryAfterMs);
    }

    [Fact]
    public async Task AdmitCompletion_SettledWithRealUse_GivesBackTheRest()
    {
        var gate = new RateLimitGate(new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch)), TimeProvider.System);

        var first = await gate.AdmitCompletionAsync(Free, 900, takeRequest: false, CancellationToken.None);
        var refused = await gate.AdmitCompletionAsync(Free, 900, takeRequest: false, CancellationToken.None);
        await gate.SettleAsync(first.Buckets, reserved: 900, used: 100, CancellationToken.None);
        var after = await gate.AdmitCompletionAsync(Free, 900, takeRequest: false, CancellationToken.None);

        Assert.True(first.Granted);
        Assert.False(refused.Granted);
        Assert.Equal("tokens", refused.Tokens.Type);
        Assert.True(after.Granted);
    }

    [Fact]
    public async Task AdmitCompletion_DailyLimitRefuses_MinuteBucketIsNotCharged()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new RateLimitGate(new InProcessRateLimitStore(clock), clock);
        Assert.True((await gate.AdmitCompletionAsync(Free, 1_000, takeRequest: false, CancellationToken.None)).Granted);
        clock.Advance(TimeSpan.FromMinutes(1));

        var refused = await gate.AdmitCompletionAsync(Free, 1_000, takeRequest: false, CancellationToken.None);

        Assert.Equal(AdmissionRefusal.PerDay, refused.Refusal);
        Assert.Contains("tokens per day (TPD)", refused.Tokens.Message, StringComparison.Ordinal);
        Assert.True((await gate.AdmitCompletionAsync(Free, 400, takeRequest: false, CancellationToken.None)).Granted);
    }

    [Fact]
    public async Task AdmitCompletion_TakesTheRequestWithItsTokens_AndARefusalTakesNeither()
    {
        var gate = new RateLimitGate(new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch)), TimeProvider.System);
        var limits = Free with { RequestsPerMinute = 2 };

        var first = await gate.AdmitCompletionAsync(limits, 900, takeRequest: true, CancellationToken.None);
        var overTokens = await gate.AdmitCompletionAsync(limits, 900, takeRequest: true, CancellationToken.None);
        var second = await gate.AdmitCompletionAsync(limits, 50, takeRequest: true, CancellationToken.None);
        var overRequests = await gate.AdmitCompletionAsync(limits, 50, takeRequest: true, CancellationToken.None);

        Assert.True(first.Granted);
        Assert.Equal(1, first.Requests.Remaining);
        Assert.Equal(100, first.Tokens.Remaining);
        Assert.Equal(AdmissionRefusal.PerMinute, overTokens.Refusal);
        Assert.Equal(1, overTokens.Requests.Remaining);
        Assert.True(second.Granted);
        Assert.Equal(0, second.Requests.Remaining);
        Assert.Equal(50, second.Tokens.Remaining);
        Assert.Equal(AdmissionRefusal.Requests, overRequests.Refusal);
        Assert.False(overRequests.Requests.Allowed);
        Assert.Contains("requests per min (RPM): Limit 2", overRequests.Requests.Message, StringComparison.Ordinal);
        Assert.Equal(30_000, overRequests.Requests.RetryAfterMs);
        Assert.True(overRequests.Tokens.Allowed);
        Assert.Equal(50, overRequests.Tokens.Remaining);
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
    public async Task Quota_CountsReservedThenUsedTokensPerMonth_AndStartsAgainNextMonth()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        var gate = new RateLimitGate(new InProcessRateLimitStore(clock), clock);
        var limits = Free with { TokensPerMinute = 1_000_000, TokensPerDay = 1_000_000, MonthlyTokenQuota = 100 };

        var first = await gate.AdmitCompletionAsync(limits, 60, takeRequest: false, CancellationToken.None);
        Assert.True(first.Granted);
        Assert.Equal(AdmissionRefusal.Quota, (await gate.AdmitCompletionAsync(limits, 41, takeRequest: false, CancellationToken.None)).Refusal);
        Assert.Equal(1_000_000 - 60, (await gate.AdmitCompletionAsync(limits, 41, takeRequest: false, CancellationToken.None)).Tokens.Remaining);
        await gate.SettleAsync(first.Buckets, reserved: 60, used: 30, CancellationToken.None);
        Assert.True((await gate.AdmitCompletionAsync(limits, 70, takeRequest: false, CancellationToken.None)).Granted);
        Assert.Equal(AdmissionRefusal.Quota, (await gate.AdmitCompletionAsync(limits, 1, takeRequest: false, CancellationToken.None)).Refusal);
        Assert.True((await gate.AdmitCompletionAsync(Free with { TokensPerMinute = 1_000_000, TokensPerDay = 1_000_000 }, 1_000, takeRequest: false, CancellationToken.None)).Granted);

        // A settlement after the month turned still lands in the month it was reserved in.
        var late = await gate.AdmitCompletionAsync(limits with { MonthlyTokenQuota = 1_000 }, 500, takeRequest: false, CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2));
        await gate.SettleAsync(late.Buckets, reserved: 500, used: 0, CancellationToken.None);
        Assert.True((await gate.AdmitCompletionAsync(limits, 100, takeRequest: false, CancellationToken.None)).Granted);
        Assert.Equal(AdmissionRefusal.Quota, (await gate.AdmitCompletionAsync(limits, 1, takeRequest: false, CancellationToken.None)).Refusal);
    }
}
