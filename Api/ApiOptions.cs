using System.ComponentModel.DataAnnotations;

namespace Platform.Api;

/// <summary>The <c>Api</c> configuration section.</summary>
internal sealed class ApiOptions
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
}
