using System.ComponentModel.DataAnnotations;

namespace Platform.Billing.Redis;

/// <summary>The <c>Redis</c> configuration section; see <see cref="RedisConfiguration"/> for the string's format.</summary>
public sealed class RedisOptions : IValidatableObject
{
    public const string SectionName = "Redis";

    /// <summary>e.g. <c>localhost:6379</c> or <c>redis:6379,password=...,connectTimeout=2000,syncTimeout=1000</c>.</summary>
    [Required]
    public string Configuration { get; init; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A required-but-empty string is already reported by [Required].
        if (Configuration.Length > 0 && !RedisConfiguration.TryParse(Configuration, out _, out var error))
        {
            yield return new ValidationResult($"Redis:Configuration is not a valid connection string: {error}", [nameof(Configuration)]);
        }
    }
}
