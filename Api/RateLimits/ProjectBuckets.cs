namespace Platform.Api.RateLimits;

/// <summary>One token bucket: where it is kept, how much it holds and how long it takes to refill from empty.</summary>
internal readonly record struct BucketSpec(string Key, double Capacity, TimeSpan Window);

/// <summary>A project's monthly token quota: the counter of its month (tokens reserved and used), and when it may go.</summary>
internal sealed record QuotaSpec(string Key, long Limit, DateTimeOffset ExpiresAt);

/// <summary>
/// Every limit a request of one project meets, named so one store call can apply them together. The keys share
/// the project's hash tag (<c>{proj_1}</c>), so a Redis Cluster keeps them in one slot for one script.
/// </summary>
internal sealed record ProjectBuckets(BucketSpec Requests, BucketSpec TokensPerMinute, BucketSpec TokensPerDay, QuotaSpec? Quota);

/// <summary>The request taken from requests per minute, and tokens per minute as it stands (for the headers).</summary>
internal readonly record struct RequestAdmission(BucketDecision Requests, BucketDecision Tokens);

/// <summary>Which limit refused an admission; <see cref="None"/> when it was granted.</summary>
internal enum AdmissionRefusal
{
    None,
    Requests,
    Quota,
    PerMinute,
    PerDay,
}

/// <summary>
/// A completion's admission: the request taken from requests per minute (unless it was taken already) and its
/// tokens reserved against the quota, tokens per minute and per day, all granted or none. A refusal charges
/// nothing and reports requests per minute as it stands; tokens per minute is read for the headers when requests or
/// the quota refused, and tokens per day is default when the refusal came before it.
/// </summary>
internal readonly record struct CompletionAdmission(AdmissionRefusal Refusal, BucketDecision Requests, BucketDecision PerMinute, BucketDecision PerDay);
