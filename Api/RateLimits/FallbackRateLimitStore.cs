using Platform.Billing.Redis;

namespace Platform.Api.RateLimits;

/// <summary>
/// Redis when it answers; otherwise each replica limits alone with its share of the limit (capacity divided by the
/// replica count), logs once, reports <see cref="IsDegraded"/>, and tries Redis again after a pause, so an outage
/// never turns into 500s and the global limit comes back by itself.
/// </summary>
internal sealed partial class FallbackRateLimitStore(
    IRateLimitStore shared,
    IRateLimitStore local,
    int replicas,
    TimeProvider time,
    ILogger<FallbackRateLimitStore> logger) : IRateLimitStore
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private long _degradedUntilMs;
    private int _degraded;

    /// <summary>True while limits are local because Redis could not be reached.</summary>
    public bool IsDegraded => Volatile.Read(ref _degraded) == 1;

    public async ValueTask<BucketDecision> TryTakeAsync(string key, double capacity, TimeSpan window, double amount, CancellationToken cancellationToken)
    {
        if (UseShared())
        {
            try
            {
                var decision = await shared.TryTakeAsync(key, capacity, window, amount, cancellationToken);
                Recovered();
                return decision;
            }
            catch (RedisException ex)
            {
                Degrade(ex);
            }
        }

        return await local.TryTakeAsync(key, LocalShare(capacity), window, amount, cancellationToken);
    }

    public async ValueTask AdjustAsync(string key, double capacity, TimeSpan window, double delta, CancellationToken cancellationToken)
    {
        if (UseShared())
        {
            try
            {
                await shared.AdjustAsync(key, capacity, window, delta, cancellationToken);
                Recovered();
                return;
            }
            catch (RedisException ex)
            {
                Degrade(ex);
            }
        }

        await local.AdjustAsync(key, LocalShare(capacity), window, delta, cancellationToken);
    }

    public async ValueTask<long> AddToCounterAsync(string key, long delta, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (UseShared())
        {
            try
            {
                var value = await shared.AddToCounterAsync(key, delta, expiresAt, cancellationToken);
                Recovered();
                return value;
            }
            catch (RedisException ex)
            {
                Degrade(ex);
            }
        }

        // A quota is a total, not a rate: locally this replica only knows its own part of it.
        return await local.AddToCounterAsync(key, delta, expiresAt, cancellationToken);
    }

    private double LocalShare(double capacity) => Math.Max(1, Math.Floor(capacity / Math.Max(1, replicas)));

    private bool UseShared() => !IsDegraded || time.GetUtcNow().ToUnixTimeMilliseconds() >= Interlocked.Read(ref _degradedUntilMs);

    private void Degrade(RedisException exception)
    {
        Interlocked.Exchange(ref _degradedUntilMs, (time.GetUtcNow() + RetryAfter).ToUnixTimeMilliseconds());
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            LogDegraded(logger, exception, replicas);
        }
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref _degraded, 0) == 1)
        {
            LogRecovered(logger);
        }
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Redis is unreachable: rate limits are local to this replica (1/{Replicas} of each limit) until it returns")]
    private static partial void LogDegraded(ILogger logger, Exception exception, int replicas);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Redis is back: rate limits are global again")]
    private static partial void LogRecovered(ILogger logger);
}
