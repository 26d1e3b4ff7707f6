namespace Platform.Api.WebConsole;

/// <summary>The session cookie: HttpOnly, SameSite=Strict, Secure under https, and sent to <c>/console</c> paths only.</summary>
internal static class ConsoleCookie
{
    public const string Name = "platform_console";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string Path = "/console";

    public static string? Read(HttpContext context) => context.Request.Cookies[Name];

    public static void Write(HttpContext context, ConsoleSession session) =>
        context.Response.Cookies.Append(Name, session.Id, Options(context, session.ExpiresAt));

    public static void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(Name, Options(context, null));

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = Path,
        Expires = expires,
        IsEssential = true,
    };
}
