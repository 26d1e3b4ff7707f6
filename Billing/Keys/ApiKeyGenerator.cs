using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Billing.Keys;

/// <summary>
/// Makes key secrets: <c>sk-</c> and the base64url of 32 random bytes (256 bits) from the injected generator.
/// Only the SHA-256 hash and the display form (<c>sk-...</c> and the last four characters) are ever stored.
/// </summary>
public sealed class ApiKeyGenerator(RandomNumberGenerator random)
{
    public const string Prefix = "sk-";
    public const int RandomBytes = 32;

    public GeneratedApiKey Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        random.GetBytes(bytes);
        var secret = Prefix + Base64Url.EncodeToString(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return new GeneratedApiKey(secret, Hash(secret), DisplayOf(secret));
    }

    /// <summary>The stored form of a secret, and what a presented bearer token is looked up by.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string DisplayOf(string secret) => Prefix + "..." + secret[^4..];
}
