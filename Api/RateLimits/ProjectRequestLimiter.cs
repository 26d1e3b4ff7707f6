using System.Threading.RateLimiting;

namespace Platform.Api.RateLimits;

/// <summary>
/// One project's requests-per-minute as a <see cref="RateLimiter"/> for ASP.NET Core's rate-limiting middleware,
/// over the shared token buckets (Redis or local). The synchronous attempt never takes anything: the middleware
/// then awaits <see cref="AcquireAsyncCore"/>, which asks the store. State lives in the store, so a partition
/// limiter that the middleware retires when idle loses nothing.
/// </summary>
internal sealed class ProjectRequestLimiter(RateLimitGate gate, ProjectLimits limits, TimeProvider time) : RateLimiter
{
    private long _lastUsedMs = time.GetUtcNow().ToUnixTimeMilliseconds();

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - Interlocked.Read(ref _lastUsedMs));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsedMs, time.GetUtcNow().ToUnixTimeMilliseconds());
        var result = await gate.AdmitRequestAsync(limits, cancellationToken);
        return new Lease(result.Allowed, result);
    }

    /// <summary>A lease that carries the decision, so a rejection can say which limit, and for how long.</summary>
    internal sealed class Lease(bool acquired, RateLimitResult? result) : RateLimitLease
    {
        public static readonly Lease NotYet = new(false, null);

        public override bool IsAcquired => acquired;

        public RateLimitResult? Result => result;

        public override IEnumerable<string> MetadataNames => result is null || acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (result is { Allowed: false } refused && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = TimeSpan.FromMilliseconds(refused.RetryAfterMs);
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
