using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Billing.Keys;

namespace Platform.Api.WebConsole;

/// <summary>
/// Sign-in exchanges an API key for a session cookie (the key stays on the server); sign-out ends the session. The
/// sign-in must be a same-origin JSON request (a cross-site form cannot send one), and sign-out needs the session's
/// anti-forgery token.
/// </summary>
internal static class ConsoleSignIn
{
    public static async Task<IResult> SignInAsync(HttpContext context, ApiKeyCache keys, AuthFailureLimiter failures, ConsoleSessions sessions, TimeProvider time)
    {
        ConsoleEndpoints.NoStore(context);
        if (!IsSameOrigin(context) || context.Request.HasJsonContentType() is false)
        {
            throw new ApiException(StatusCodes.Status403Forbidden, "Sign in from the console page (a same-origin JSON request).", "invalid_request_error", null, "csrf_token_invalid");
        }

        // Sign-in is another way to guess keys, so it shares the bearer path's per-address failure limit.
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (failures.IsBlocked(address))
        {
            return TooManyFailures(context, failures);
        }

        var key = await ReadKeyAsync(context);
        if (key.Length == 0 || key.Length > ApiKeyMiddleware.MaxKeyLength || !key.StartsWith(ApiKeyGenerator.Prefix, StringComparison.Ordinal))
        {
            return failures.RecordFailure(address) ? throw AuthErrors.IncorrectKey(key) : TooManyFailures(context, failures);
        }

        var identity = await keys.FindAsync(key, context.RequestAborted);
        if (identity is null || identity.StatusAt(time.GetUtcNow()) != ApiKeyStatus.Active)
        {
            return failures.RecordFailure(address) ? throw AuthErrors.IncorrectKey(key) : TooManyFailures(context, failures);
        }

        var session = sessions.Start(key, identity.Key.Display, identity.Key.Scopes);
        ConsoleCookie.Write(context, session);
        return TypedResults.Json(SessionResponse.From(session) with { CsrfToken = "" }, ApiJson.Options);
    }

    public static Results<NoContent, JsonHttpResult<ErrorResponse>> SignOut(HttpContext context, ConsoleSessions sessions)
    {
        ConsoleEndpoints.NoStore(context);
        if (sessions.Find(ConsoleCookie.Read(context)) is { } session)
        {
            if (!ConsoleBridgeMiddleware.HasCsrfToken(context, session))
            {
                return TypedResults.Json(
                    new ErrorResponse(new ErrorBody($"Missing or wrong anti-forgery token ({ConsoleCookie.CsrfHeader}).", "invalid_request_error", null, "csrf_token_invalid")),
                    ApiJson.Options,
                    statusCode: StatusCodes.Status403Forbidden);
            }

            sessions.End(session.Id);
        }

        ConsoleCookie.Delete(context);
        return TypedResults.NoContent();
    }

    /// <summary>Returned rather than thrown: the error handler clears headers, and a client waits for <c>retry-after</c>.</summary>
    private static JsonHttpResult<ErrorResponse> TooManyFailures(HttpContext context, AuthFailureLimiter failures)
    {
        var error = AuthErrors.TooManyFailures(failures.Limit);
        var seconds = (int)AuthFailureLimiter.Window.TotalSeconds;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Json(error.ToResponse(), ApiJson.Options, statusCode: error.Status);
    }

    private static async Task<string> ReadKeyAsync(HttpContext context)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("api_key", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!.Trim()
                : throw ApiException.Missing("api_key");
        }
        catch (JsonException)
        {
            throw ApiException.InvalidRequest("The body must be a JSON object with 'api_key'.", "api_key", "invalid_json");
        }
    }

    /// <summary>A browser sends Origin on every POST; when it does, it must be this host.</summary>
    private static bool IsSameOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}
