using Platform.Api.Errors;
using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>OpenAI's authentication errors, worded for this server. A presented key is only ever echoed in its display form.</summary>
internal static class AuthErrors
{
    public const string InvalidApiKey = "invalid_api_key";
    public const string InsufficientPermissions = "insufficient_permissions";

    public static ApiException MissingKey() => new(
        StatusCodes.Status401Unauthorized,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error",
        null,
        InvalidApiKey);

    public static ApiException IncorrectKey(string presented) => new(
        StatusCodes.Status401Unauthorized,
        $"Incorrect API key provided: {Mask(presented)}. API keys for this server are issued by its administrators through the admin API " +
        "(POST /admin/projects/{project_id}/api_keys), which shows a key's secret once, when it is created.",
        "invalid_request_error",
        null,
        InvalidApiKey);

    public static ApiException MissingScope(string scope) => new(
        StatusCodes.Status403Forbidden,
        $"You have insufficient permissions for this operation. This API key does not have the '{scope}' scope.",
        "invalid_request_error",
        null,
        InsufficientPermissions);

    public static ApiException TooManyFailures(int limit) => new(
        StatusCodes.Status429TooManyRequests,
        $"Too many failed authentication attempts from your address: the limit is {limit} per minute. Check your API key, then try again in 60s.",
        "requests",
        null,
        "rate_limit_exceeded");

    /// <summary><c>sk-...abcd</c> for a key of ours; for anything else at most its last four characters.</summary>
    public static string Mask(string presented) =>
        presented.Length < 8 ? "***"
        : presented.StartsWith(ApiKeyGenerator.Prefix, StringComparison.Ordinal) ? ApiKeyGenerator.DisplayOf(presented)
        : "..." + presented[^4..];
}
