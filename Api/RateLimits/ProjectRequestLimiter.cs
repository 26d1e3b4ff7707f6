using System.Threading.RateLimiting;

namespace Platform.Api.RateLimits;

/// <summary>
/// One project's requests-per-minute as a <see cref="RateLimiter"/> for ASP.NET Core's rate-limiting middleware,
/// over the shared token buckets (Redis or local). The synchronous attempt never takes anything: the middleware
/// then awaits <see cref="AcquireAsyncCore"/>, which asks the store. State lives in the store, so a partition
/// limiter that the middleware retires when idle loses nothing. The admission (with the tokens-per-minute figures
/// read in the same store call) is handed to <see cref="TierLimitsFilter"/> through the request's features, so the
/// filter does not ask the store again for its headers.
/// </summary>
internal sealed class ProjectRequestLimiter(RateLimitGate gate, ProjectLimits limits, IHttpContextAccessor requests, TimeProvider time) : RateLimiter
{
    private long _lastUsedMs = time.GetUtcNow().ToUnixTimeMilliseconds();

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - Interlocked.Read(ref _lastUsedMs));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsedMs, time.GetUtcNow().ToUnixTimeMilliseconds());
        var admitted = await gate.AdmitRequestAsync(limits, cancellationToken);
        requests.HttpContext?.Features.Set(admitted);
        return new Lease(admitted.Requests.Allowed, admitted.Requests);
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
