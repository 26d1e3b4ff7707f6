using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace Platform.Api.Coordination;

/// <summary>The <c>Redis</c> configuration section: where replicas share rate limits and key revocations.</summary>
internal sealed class RedisOptions : IValidatableObject
{
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis's own configuration string, e.g. <c>redis:6379,password=...,ssl=true</c>.</summary>
    [Required]
    public string Configuration { get; init; } = "";

    /// <summary>
    /// The most a call may wait for Redis before the replica uses its local share instead: a dead or stalled Redis
    /// must cost a request milliseconds, not the client's timeout of seconds.
    /// </summary>
    [Range(1, 60_000)]
    public int FailFastMs { get; init; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A required-but-empty string is already reported by [Required].
        if (Configuration.Length > 0 && TryParse(Configuration) is { } error)
        {
            yield return new ValidationResult($"Redis:Configuration is not a valid StackExchange.Redis configuration string: {error}", [nameof(Configuration)]);
        }
    }

    private static string? TryParse(string configuration)
    {
        try
        {
            return ConfigurationOptions.Parse(configuration).EndPoints.Count == 0 ? "it names no endpoint" : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
