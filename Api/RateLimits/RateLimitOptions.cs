using System.ComponentModel.DataAnnotations;

namespace Platform.Api.RateLimits;

/// <summary>The <c>RateLimits</c> configuration section.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Replicas sharing the limits: while Redis is unreachable each enforces 1/Replicas of every limit.</summary>
    [Range(1, 10_000)]
    public int Replicas { get; init; } = 1;
}
