using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Platform.Billing.Redis;

/// <summary>
/// A parsed connection string: <c>host[:port][,option=value]...</c>, options case-insensitive, in any order.
/// <list type="bullet">
/// <item><c>host</c>: a name or an address; an IPv6 address in brackets (<c>[::1]:6379</c>). Port 6379 when left out.</item>
/// <item><c>password=</c> (and optionally <c>user=</c> for an ACL user): sent with AUTH on every connect.</item>
/// <item><c>connectTimeout=</c> milliseconds for TCP connect plus the handshake (default 5000).</item>
/// <item><c>syncTimeout=</c> milliseconds one command may wait for its reply (default 5000).</item>
/// <item><c>defaultDatabase=</c> the database SELECTed on connect (default 0).</item>
/// <item><c>name=</c> the CLIENT SETNAME shown in CLIENT LIST (no spaces).</item>
/// </list>
/// Values run to the next comma, so a password cannot hold one. Unknown options are rejected, not ignored.
/// </summary>
public sealed class RedisConfiguration
{
    public const int DefaultPort = 6379;

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] KnownOptions = ["password", "user", "connectTimeout", "syncTimeout", "defaultDatabase", "name"];

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    public string? User { get; init; }

    public string? Password { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = DefaultTimeout;

    public TimeSpan SyncTimeout { get; init; } = DefaultTimeout;

    public int Database { get; init; }

    public string? ClientName { get; init; }

    /// <summary>Where it connects, for messages and logs.</summary>
    public string Endpoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public static RedisConfiguration Parse(string configuration) =>
        TryParse(configuration, out var parsed, out var error) ? parsed : throw new FormatException(error);

    public static bool TryParse(string? configuration, [NotNullWhen(true)] out RedisConfiguration? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        var parts = (configuration ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (!TryParseEndpoint(parts[0], out var host, out var port, out error))
        {
            return false;
        }

        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1).Where(p => p.Length > 0))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"'{part}' is not option=value.";
                return false;
            }

            var key = part[..equals].Trim();
            if (!KnownOptions.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                error = $"Unknown option '{key}' (known: {string.Join(", ", KnownOptions)}).";
                return false;
            }

            options[key] = part[(equals + 1)..].Trim();
        }

        return TryBuild(host, port, options, out parsed, out error);
    }

    private static bool TryBuild(string host, int port, Dictionary<string, string> options, [NotNullWhen(true)] out RedisConfiguration? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (!TryMilliseconds(options, "connectTimeout", out var connectTimeout, out error)
            || !TryMilliseconds(options, "syncTimeout", out var syncTimeout, out error))
        {
            return false;
        }

        var database = 0;
        if (options.TryGetValue("defaultDatabase", out var text) && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            error = $"defaultDatabase must be a non-negative integer, not '{text}'.";
            return false;
        }

        var name = options.GetValueOrDefault("name");
        if (name is not null && (name.Length == 0 || name.Any(c => c <= ' ')))
        {
            error = "name must be non-empty and hold no spaces.";
            return false;
        }

        var user = options.GetValueOrDefault("user");
        var password = options.GetValueOrDefault("password");
        if (user is not null && password is null)
        {
            error = "user needs a password.";
            return false;
        }

        parsed = new RedisConfiguration
        {
            Host = host,
            Port = port,
            User = user,
            Password = password,
            ConnectTimeout = connectTimeout,
            SyncTimeout = syncTimeout,
            Database = database,
            ClientName = name,
        };
        return true;
    }

    private static bool TryParseEndpoint(string endpoint, out string host, out int port, [NotNullWhen(false)] out string? error)
    {
        host = endpoint;
        port = DefaultPort;
        error = null;
        string? portText = null;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < endpoint.Length && endpoint[close + 1] != ':'))
            {
                error = $"'{endpoint}' is not [ipv6-address]:port.";
                return false;
            }

            host = endpoint[1..close];
            portText = close + 1 < endpoint.Length ? endpoint[(close + 2)..] : null;
        }
        else if (endpoint.Count(c => c == ':') == 1)
        {
            var colon = endpoint.IndexOf(':', StringComparison.Ordinal);
            host = endpoint[..colon];
            portText = endpoint[(colon + 1)..];
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace) || host.Contains('=', StringComparison.Ordinal))
        {
            error = $"The connection string must start with host[:port], not '{endpoint}'.";
            return false;
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"'{portText}' is not a TCP port.";
            return false;
        }

        return true;
    }

    private static bool TryMilliseconds(Dictionary<string, string> options, string key, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = DefaultTimeout;
        error = null;
        if (!options.TryGetValue(key, out var text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds > 0)
        {
            value = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        }

        error = $"{key} must be a positive number of milliseconds, not '{text}'.";
        return false;
    }

    /// <summary>The connection string back, with the password masked: safe to log.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Endpoint);
        if (User is not null)
        {
            text.Append(",user=").Append(User);
        }

        if (Password is not null)
        {
            text.Append(",password=*****");
        }

        text.Append(CultureInfo.InvariantCulture, $",connectTimeout={ConnectTimeout.TotalMilliseconds},syncTimeout={SyncTimeout.TotalMilliseconds}");
        if (Database != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $",defaultDatabase={Database}");
        }

        if (ClientName is not null)
        {
            text.Append(",name=").Append(ClientName);
        }

        return text.ToString();
    }
}
