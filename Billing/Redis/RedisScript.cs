using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Billing.Redis;

/// <summary>
/// A Lua script and the SHA1 Redis knows it by. The hash is computed here, so the script is sent to the server only
/// when EVALSHA reports NOSCRIPT (first use, after a restart or SCRIPT FLUSH). Create once and reuse.
/// </summary>
public sealed class RedisScript
{
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "Redis names scripts by SHA1; not used for security.")]
    public RedisScript(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Text = text;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public string Text { get; }

    /// <summary>Lower-case hex, as SCRIPT LOAD returns it.</summary>
    public string Sha1 { get; }

    public override string ToString() => Sha1;
}
