using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Platform.Api.WebConsole;

/// <summary>
/// The console's sessions, in this replica's memory: a browser holds only a random session id (in an HttpOnly cookie),
/// never the key. Sessions end at sign-out, after <see cref="ConsoleOptions.IdleTimeout"/> unused, or
/// <see cref="ConsoleOptions.AbsoluteLifetime"/> after sign-in.
/// </summary>
internal sealed class ConsoleSessions(IOptions<ConsoleOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConsoleOptions _options = options.Value;

    public int Count => _sessions.Count;

    public ConsoleSession Start(string apiKey, string keyDisplay, IReadOnlyList<string> scopes)
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= _options.MaxSessions)
        {
            Sweep(now);
        }

        var session = new ConsoleSession(NewToken(), apiKey, keyDisplay, scopes, NewToken(), now, now + _options.AbsoluteLifetime);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id, touched; null when there is none or it has ended.</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now >= session.ExpiresAt || now - session.LastSeenAt >= _options.IdleTimeout)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        session.LastSeenAt = now;
        return session;
    }

    public void End(string id) => _sessions.TryRemove(id, out _);

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (id, session) in _sessions)
        {
            if (now >= session.ExpiresAt || now - session.LastSeenAt >= _options.IdleTimeout)
            {
                _sessions.TryRemove(id, out _);
            }
        }

        foreach (var oldest in _sessions.Values.OrderBy(s => s.LastSeenAt).Take(Math.Max(0, _sessions.Count - _options.MaxSessions + 1)))
        {
            _sessions.TryRemove(oldest.Id, out _);
        }
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
