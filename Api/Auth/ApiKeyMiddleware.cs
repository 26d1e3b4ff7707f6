using System.Globalization;
using System.Net;
using Platform.Api.Metering;
using Platform.Api.Observability;
using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>
/// Authenticates requests to endpoints that carry an <see cref="ApiKeyRequirement"/>: a bearer key that exists, is
/// active (not revoked, expired or past its rotation grace) and has the scope. Failures are 401 <c>invalid_api_key</c>
/// or 403 <c>insufficient_permissions</c>, thrown for <c>ErrorHandlingMiddleware</c> to write. A client address over
/// its <see cref="AuthOptions.FailuresPerMinute"/> gets 429 for any key the cache does not know, before any database work.
/// Other endpoints pass untouched.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyCache cache, AuthFailureLimiter failures, TimeProvider time)
{
    /// <summary>Longer tokens are refused without a lookup; ours are 46 characters.</summary>
    public const int MaxKeyLength = 200;

    public Task InvokeAsync(HttpContext context)
    {
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequirement>();
        return requirement is null ? next(context) : AuthenticateAsync(context, requirement);
    }

    private async Task AuthenticateAsync(HttpContext context, ApiKeyRequirement requirement)
    {
        using (var span = ApiTracing.Source.StartActivity("auth"))
        {
            var identity = await IdentifyAsync(context, requirement);
            if (identity is null)
            {
                // The 429 for too many failures is already written (headers the error handler would clear).
                return;
            }

            span?.SetTag("platform.project_id", identity.Project.Id);
            context.Features.Set(new ApiKeyFeature(identity));
        }

        await next(context);
    }

    /// <summary>The key's identity; null when a 429 for too many failures from this address was written instead.</summary>
    private async Task<ApiKeyIdentity?> IdentifyAsync(HttpContext context, ApiKeyRequirement requirement)
    {
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        // No key at all costs no lookup, so it is not counted: a client that forgot its header is not locked out.
        var token = BearerToken(context.Request.Headers.Authorization.ToString()) ?? throw AuthErrors.MissingKey();

        if (token.Length > MaxKeyLength || !token.StartsWith(ApiKeyGenerator.Prefix, StringComparison.Ordinal) || token.Any(char.IsWhiteSpace))
        {
            await FailAsync(context, address, AuthErrors.IncorrectKey(token));
            return null;
        }

        var hash = ApiKeyGenerator.Hash(token);
        var cached = cache.Lookup(hash, out var identity);
        if (cached != CachedAnswer.Fresh)
        {
            // A key this server knew is re-read even from a throttled address (a customer behind the flooder's NAT),
            // at most once per TTL per key; anything else from that address costs nothing.
            if (cached == CachedAnswer.None && failures.IsBlocked(address))
            {
                await TooManyFailuresAsync(context);
                return null;
            }

            identity = await cache.FindAsync(token, context.RequestAborted);
        }

        if (identity is null || identity.StatusAt(time.GetUtcNow()) != ApiKeyStatus.Active)
        {
            await FailAsync(context, address, AuthErrors.IncorrectKey(token));
            return null;
        }

        if (!requirement.IsMetBy(identity.Key))
        {
            throw AuthErrors.MissingScope(requirement.Scope);
        }

        return identity;
    }

    /// <summary>Counts the failure; the one that goes over the limit, and every one after it, is 429 instead of 401.</summary>
    private Task FailAsync(HttpContext context, IPAddress address, Errors.ApiException error) =>
        failures.RecordFailure(address) ? throw error : TooManyFailuresAsync(context);

    /// <summary>Written here rather than thrown: the error handler clears headers, and the SDKs wait for <c>retry-after</c>.</summary>
    private Task TooManyFailuresAsync(HttpContext context)
    {
        if (context.Usage() is { } usage)
        {
            usage.Unmetered = true;
        }

        var error = AuthErrors.TooManyFailures(failures.Limit);
        var seconds = (int)AuthFailureLimiter.Window.TotalSeconds;
        context.Response.StatusCode = error.Status;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["retry-after-ms"] = (seconds * 1000).ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsJsonAsync(error.ToResponse(), ApiJson.Options, context.RequestAborted);
    }

    /// <summary>The token of <c>Bearer &lt;token&gt;</c> (scheme case-insensitive); null when there is none.</summary>
    internal static string? BearerToken(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
