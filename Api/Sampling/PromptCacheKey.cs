using Platform.Api.Auth;
using Platform.Api.Errors;

namespace Platform.Api.Sampling;

/// <summary>
/// OpenAI's <c>prompt_cache_key</c>, and the prefix cache's namespace built from it: the caller's organization and the
/// key, so cached prompts are never shared across organizations (a hit's speed would tell one what another sent), and
/// within one only between requests with the same key (or both without one).
/// </summary>
internal static class PromptCacheKey
{
    public const int MaxLength = 1024;

    public static string? Read(JsonRequest request)
    {
        var key = request.OptionalString("prompt_cache_key");
        return key is { Length: > MaxLength }
            ? throw ApiException.InvalidValue("prompt_cache_key", $"must be at most {MaxLength} characters; got {key.Length}.")
            : key;
    }

    public static string Namespace(HttpContext context, string? key) =>
        $"{context.FindApiKey()?.Identity.Organization.Id}\u001f{key}";
}
