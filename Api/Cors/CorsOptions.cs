namespace Platform.Api.Cors;

/// <summary>The <c>Api:Cors</c> configuration section: which browser origins may call <c>/v1</c> directly.</summary>
internal sealed class ApiCorsOptions
{
    public const string SectionName = "Api:Cors";

    /// <summary>Exact origins (<c>https://app.example.com</c>), or <c>*</c> for any; none by default, so browsers are refused.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
}
