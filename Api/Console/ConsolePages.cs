namespace Platform.Api.WebConsole;

/// <summary>
/// The console's pages. Each names the scope its API calls need, only to choose the landing page and the menu: the
/// API itself decides what a key may do, and the page shows its error when it refuses.
/// </summary>
internal static class ConsolePages
{
    public static IReadOnlyList<ConsolePage> All { get; } =
    [
        new("usage", "Usage", "admin"),
        new("organizations", "Organizations and projects", "admin"),
        new("keys", "API keys", "admin"),
        new("tiers", "Tiers and prices", "admin"),
        new("moderation", "Moderation review", "admin"),
        new("status", "Live status", "admin"),
        new("audit", "Audit log", "admin"),
        new("playground", "Playground", "inference"),
    ];

    public static ConsolePage? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>Where a key lands after sign-in: the first page its scopes reach.</summary>
    public static string Landing(IReadOnlyList<string> scopes) =>
        "/console/" + (All.FirstOrDefault(p => scopes.Contains(p.Scope, StringComparer.Ordinal)) ?? All[^1]).Name;
}

/// <summary>A page at <c>/console/{Name}</c>.</summary>
internal sealed record ConsolePage(string Name, string Title, string Scope);
