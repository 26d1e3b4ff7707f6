using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Auth;

/// <summary>The <c>Auth</c> configuration section: what a flood of made-up keys may cost.</summary>
internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Failed authentications one client address may make per minute; past it the address gets 429 for any key
    /// that is not already cached, before any database work. Behind a proxy, configure forwarded headers so the
    /// address is the client's.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailuresPerMinute { get; init; } = 60;

    /// <summary>Known keys kept in the LRU cache; the least recently used leaves first.</summary>
    [Range(16, 10_000_000)]
    public int KeyCacheSize { get; init; } = 10_000;

    /// <summary>Unknown key hashes remembered (for <see cref="ApiKeyCache.NegativeTtl"/>), apart from the known keys so a flood cannot evict them.</summary>
    [Range(16, 10_000_000)]
    public int NegativeCacheSize { get; init; } = 10_000;
}
