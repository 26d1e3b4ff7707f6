namespace Platform.Api.RateLimits;

/// <summary>
/// Where token buckets and quota counters live: in this process, or in Redis so every replica shares one limit.
/// Each method is one atomic step (one Redis script), applying the arithmetic of <see cref="TokenBucket"/>, so a
/// completion costs two calls, admission (with its tokens) and settlement, and any other request one.
/// </summary>
internal interface IRateLimitStore
{
    /// <summary>Takes one request from requests per minute if it holds one, and reads tokens per minute without taking.</summary>
    ValueTask<RequestAdmission> AdmitRequestAsync(ProjectBuckets buckets, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="requests"/> (1, or 0 when the request was admitted already) from requests per minute
    /// and reserves <paramref name="tokens"/> against the quota (if any), tokens per minute and tokens per day, all or
    /// nothing: the quota counts what is reserved, so concurrent requests cannot overshoot it.
    /// </summary>
    ValueTask<CompletionAdmission> AdmitCompletionAsync(ProjectBuckets buckets, int requests, long tokens, CancellationToken cancellationToken);

    /// <summary>Gives back <paramref name="unused"/> reserved tokens (negative takes the excess used) to the buckets and the quota.</summary>
    ValueTask SettleAsync(ProjectBuckets buckets, long unused, CancellationToken cancellationToken);
}
