using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Api.WebConsole;

/// <summary>
/// The web console under <c>/console</c> (<c>/</c>, <c>/dashboard</c> and <c>/playground</c> lead there): sign-in and
/// sign-out, the pages (one HTML shell, each page's script fills it by calling the APIs through
/// <see cref="ConsoleBridgeMiddleware"/>) and their assets.
/// </summary>
internal static class ConsoleEndpoints
{
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => TypedResults.Redirect("/console")).ExcludeFromDescription();
        routes.MapGet("/dashboard", () => TypedResults.Redirect("/console")).ExcludeFromDescription();
        routes.MapGet("/playground", () => TypedResults.Redirect("/console/playground")).ExcludeFromDescription();
        routes.MapGet("/console", Home).ExcludeFromDescription();

        var console = routes.MapGroup("/console").ExcludeFromDescription();
        console.MapGet("/sign-in", SignInPage);
        console.MapPost("/session", ConsoleSignIn.SignInAsync);
        console.MapGet("/session", Session);
        console.MapDelete("/session", ConsoleSignIn.SignOut);
        console.MapGet("/assets/{*path}", Asset);
        console.MapGet("/{page}", Page);
        return routes;
    }

    internal static RedirectHttpResult Home(HttpContext context, ConsoleSessions sessions) =>
        sessions.Find(ConsoleCookie.Read(context)) is { } session
            ? TypedResults.Redirect(ConsolePages.Landing(session.Scopes))
            : TypedResults.Redirect("/console/sign-in");

    internal static IResult SignInPage(HttpContext context, ConsoleSessions sessions, ConsoleAssets assets)
    {
        if (sessions.Find(ConsoleCookie.Read(context)) is { } session)
        {
            return TypedResults.Redirect(ConsolePages.Landing(session.Scopes));
        }

        return Html(context, assets.Get("sign-in.html").Text);
    }

    internal static Results<JsonHttpResult<SessionResponse>, UnauthorizedHttpResult> Session(HttpContext context, ConsoleSessions sessions)
    {
        NoStore(context);
        return sessions.Find(ConsoleCookie.Read(context)) is { } session
            ? TypedResults.Json(SessionResponse.From(session), ApiJson.Options)
            : TypedResults.Unauthorized();
    }

    internal static IResult Page(string page, HttpContext context, ConsoleSessions sessions, ConsoleAssets assets)
    {
        if (ConsolePages.Find(page) is not { } found)
        {
            return TypedResults.NotFound();
        }

        if (sessions.Find(ConsoleCookie.Read(context)) is not { } session)
        {
            return TypedResults.Redirect("/console/sign-in?next=" + Uri.EscapeDataString("/console/" + found.Name));
        }

        var html = assets.Get("shell.html").Text
            .Replace("{{title}}", WebUtility.HtmlEncode(found.Title), StringComparison.Ordinal)
            .Replace("{{page}}", found.Name, StringComparison.Ordinal)
            .Replace("{{csrf}}", session.CsrfToken, StringComparison.Ordinal)
            .Replace("{{session}}", WebUtility.HtmlEncode(JsonSerializer.Serialize(SessionResponse.From(session), ApiJson.Options)), StringComparison.Ordinal)
            .Replace("{{nav}}", Navigation(found, session), StringComparison.Ordinal);
        return Html(context, html);
    }

    internal static IResult Asset(string path, HttpContext context, ConsoleAssets assets)
    {
        if (!assets.TryGet(path, out var asset) || path.EndsWith(".html", StringComparison.Ordinal))
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ETag = asset.ETag;
        return context.Request.Headers.IfNoneMatch == asset.ETag
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static string Navigation(ConsolePage current, ConsoleSession session)
    {
        var nav = new StringBuilder();
        foreach (var page in ConsolePages.All.Where(p => session.Scopes.Contains(p.Scope, StringComparer.Ordinal)))
        {
            var here = page == current ? " aria-current=\"page\"" : "";
            nav.Append(System.Globalization.CultureInfo.InvariantCulture, $"<li><a href=\"/console/{page.Name}\"{here}>{WebUtility.HtmlEncode(page.Title)}</a></li>");
        }

        return nav.ToString();
    }

    private static ContentHttpResult Html(HttpContext context, string html)
    {
        NoStore(context);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    internal static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}

/// <summary>What the browser may know of its session: the key's display form and scopes, never the key.</summary>
internal sealed record SessionResponse(string Object, string Key, IReadOnlyList<string> Scopes, long ExpiresAt, string CsrfToken)
{
    public static SessionResponse From(ConsoleSession session) =>
        new("console.session", session.KeyDisplay, session.Scopes, session.ExpiresAt.ToUnixTimeSeconds(), session.CsrfToken);
}
