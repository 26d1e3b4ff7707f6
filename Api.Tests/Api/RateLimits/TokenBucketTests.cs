using Platform.Api.RateLimits;

namespace Platform.Api.Tests.Api.RateLimits;

public sealed class TokenBucketTests
{
    private const double Minute = 60_000;

    [Fact]
    public void TryTake_FreshBucket_StartsFull()
    {
        var decision = TokenBucket.TryTake(null, 1_000, capacity: 60, Minute, amount: 1);

        Assert.True(decision.Allowed);
        Assert.Equal(59, decision.Remaining);
        Assert.Equal(1_000, decision.ResetMs);
    }

    [Fact]
    public void TryTake_Empty_RefusesWithTheTimeUntilEnough()
    {
        var empty = new TokenBucket(0, 0);

        var refused = TokenBucket.TryTake(empty, 0, capacity: 60, Minute, amount: 3);
        var later = TokenBucket.TryTake(empty, 3_000, capacity: 60, Minute, amount: 3);

        Assert.False(refused.Allowed);
        Assert.Equal(3_000, refused.RetryAfterMs);
        Assert.Equal(60_000, refused.ResetMs);
        Assert.True(later.Allowed);
    }

    [Fact]
    public void TryTake_OverCapacity_NeverAllowed()
    {
        var decision = TokenBucket.TryTake(null, 0, capacity: 100, Minute, amount: 101);
        Assert.False(decision.Allowed);
    }

    [Fact]
    public void TryTake_SustainedLoad_AdmitsAtMostCapacityPerWindowPlusTheInitialBurst()
    {
        TokenBucket? bucket = null;
        var admitted = 0;
        for (long now = 0; now < 60_000; now += 10)
        {
            var decision = TokenBucket.TryTake(bucket, now, capacity: 100, Minute, amount: 1);
            bucket = decision.Bucket;
            admitted += decision.Allowed ? 1 : 0;
        }

        // A full bucket at the start (100) plus what refills in the minute (about 100).
        Assert.InRange(admitted, 195, 200);
    }

    [Fact]
    public void Adjust_Reconcile_ReturnsUnusedTokensButNeverOverfills()
    {
        var taken = TokenBucket.TryTake(null, 0, capacity: 1_000, Minute, amount: 600).Bucket;

        var refunded = TokenBucket.Adjust(taken, 0, 1_000, Minute, delta: 500);
        var overdrawn = TokenBucket.Adjust(taken, 0, 1_000, Minute, delta: -900);

        Assert.Equal(900, refunded.Level);
        Assert.Equal(-500, overdrawn.Level);
        Assert.Equal(1_000, TokenBucket.Adjust(refunded, 0, 1_000, Minute, delta: 5_000).Level);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(20, "20ms")]
    [InlineData(1_000, "1s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Format_Durations_LikeOpenAi(long milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitDuration.Format(milliseconds));
}
