namespace Platform.Api.WebConsole;

/// <summary>
/// A signed-in browser: the API key it signed in with stays here, on the server, and is sent as a bearer token on its
/// behalf. <paramref name="CsrfToken"/> must come back in <c>X-CSRF-Token</c> with every change.
/// </summary>
internal sealed record ConsoleSession(
    string Id,
    string ApiKey,
    string KeyDisplay,
    IReadOnlyList<string> Scopes,
    string CsrfToken,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    // Ticks, so concurrent requests of one session read and write it whole (a DateTimeOffset can tear).
    private long _lastSeenTicks = CreatedAt.UtcTicks;

    public DateTimeOffset LastSeenAt
    {
        get => new(Volatile.Read(ref _lastSeenTicks), TimeSpan.Zero);
        set => Volatile.Write(ref _lastSeenTicks, value.UtcTicks);
    }

    /// <summary>Never the key or the tokens, so logging a session cannot leak them.</summary>
    public override string ToString() => $"ConsoleSession {{ Key = {KeyDisplay} }}";
}
