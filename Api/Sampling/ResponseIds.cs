namespace Platform.Api.Sampling;

/// <summary>Identifiers in OpenAI's forms (<c>chatcmpl-...</c>, <c>cmpl-...</c>), random and unguessable.</summary>
internal static class ResponseIds
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
