using StackExchange.Redis;

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

    public ValueTask<RequestAdmission> AdmitRequestAsync(ProjectBuckets buckets, CancellationToken cancellationToken) =>
        RunAsync(buckets, (store, b) => store.AdmitRequestAsync(b, cancellationToken));

    public ValueTask<CompletionAdmission> AdmitCompletionAsync(ProjectBuckets buckets, int requests, long tokens, CancellationToken cancellationToken) =>
        RunAsync(buckets, (store, b) => store.AdmitCompletionAsync(b, requests, tokens, cancellationToken));

    public async ValueTask SettleAsync(ProjectBuckets buckets, long unused, CancellationToken cancellationToken) =>
        await RunAsync(buckets, async (store, b) =>
        {
            await store.SettleAsync(b, unused, cancellationToken);
            return true;
        });

    private async ValueTask<T> RunAsync<T>(ProjectBuckets buckets, Func<IRateLimitStore, ProjectBuckets, ValueTask<T>> call)
    {
        if (UseShared())
        {
            try
            {
                var result = await call(shared, buckets);
                Recovered();
                return result;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Degrade(ex);
            }
        }

        // A quota is a total, not a rate: locally this replica only knows its own part of it, so it keeps the whole.
        return await call(local, buckets with
        {
            Requests = LocalShare(buckets.Requests),
            TokensPerMinute = LocalShare(buckets.TokensPerMinute),
            TokensPerDay = LocalShare(buckets.TokensPerDay),
        });
    }

    private BucketSpec LocalShare(BucketSpec bucket) => bucket with { Capacity = Math.Max(1, Math.Floor(bucket.Capacity / Math.Max(1, replicas))) };

    private bool UseShared() => !IsDegraded || time.GetUtcNow().ToUnixTimeMilliseconds() >= Interlocked.Read(ref _degradedUntilMs);

    private void Degrade(Exception exception)
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
