using System.ComponentModel.DataAnnotations;

namespace Platform.Api;

/// <summary>The <c>Api</c> configuration section.</summary>
internal sealed class ApiOptions : IValidatableObject
{
    public const string SectionName = "Api";

    /// <summary>Most choices (<c>n</c>) one request may ask for; every choice is generated. OpenAI allows 128.</summary>
    [Range(1, 128)]
    public int MaxChoices { get; init; } = 8;

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Reported as <c>system_fingerprint</c>: changes when the serving configuration does.</summary>
    [Required]
    public string SystemFingerprint { get; init; } = "fp_platform_1";

    /// <summary>
    /// On SIGTERM, how long running completions may go on before streams still running are ended with an error
    /// event; the host's shutdown timeout is this plus a margin, and Kubernetes' grace period must cover both.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The tool-call syntax per model name (<c>hermes</c> or <c>phi4</c>), for models whose chat template does not
    /// show one unambiguously; it wins over what the template shows.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToolCallFormats { get; init; } = new Dictionary<string, string>();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("Api:DrainTimeout must be between 0 and 1 hour (e.g. 00:00:30).", [nameof(DrainTimeout)]);
        }

        foreach (var (model, format) in ToolCallFormats)
        {
            if (Platform.Inference.Constraints.Tools.ToolCallSyntax.Named(format) is null)
            {
                yield return new ValidationResult($"Api:ToolCallFormats:{model} must be 'hermes' or 'phi4'; got '{format}'.", [nameof(ToolCallFormats)]);
            }
        }
    }
}
