using System.Security.Cryptography;
using System.Text;
using Platform.Api.Errors;

namespace Platform.Api.WebConsole;

/// <summary>
/// How the console reaches the platform's own APIs: <c>/console/api/admin/...</c> and <c>/console/api/v1/...</c> become
/// <c>/admin/...</c> and <c>/v1/...</c> with the session's key as the bearer token, before routing, so they run through
/// the whole pipeline (authentication, scopes, limits, metering) like any other client's call. There is no other way
/// in: <c>/v1</c> and <c>/admin</c> themselves take bearer keys only. Changes need the session's anti-forgery token.
/// Runs first in the pipeline (it writes its own OpenAI-style errors).
/// </summary>
internal sealed class ConsoleBridgeMiddleware(RequestDelegate next, ConsoleSessions sessions)
{
    public const string Prefix = "/console/api";

    private static readonly string[] Targets = ["/admin/", "/v1/"];

    public Task InvokeAsync(HttpContext context)
    {
        return context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal, out var rest)
            ? BridgeAsync(context, rest.Value ?? "")
            : next(context);
    }

    private async Task BridgeAsync(HttpContext context, string target)
    {
        if (!Targets.Any(t => target.StartsWith(t, StringComparison.Ordinal)))
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "The console reaches /admin and /v1 only.", "invalid_request_error", "not_found");
            return;
        }

        var session = sessions.Find(ConsoleCookie.Read(context));
        if (session is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Your console session has ended; sign in again.", "invalid_request_error", "session_expired");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HasCsrfToken(context, session))
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, $"Missing or wrong anti-forgery token ({ConsoleCookie.CsrfHeader}).", "invalid_request_error", "csrf_token_invalid");
            return;
        }

        context.Request.Path = target;
        context.Request.Headers.Cookie = default;
        context.Request.Headers.Authorization = "Bearer " + session.ApiKey;
        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            // The key stopped working (revoked, expired, rotated past its grace): so does the session.
            sessions.End(session.Id);
        }
    }

    internal static bool HasCsrfToken(HttpContext context, ConsoleSession session)
    {
        var sent = context.Request.Headers[ConsoleCookie.CsrfHeader].ToString();
        return sent.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(new ErrorBody(message, type, null, code)), ApiJson.Options);
    }
}
