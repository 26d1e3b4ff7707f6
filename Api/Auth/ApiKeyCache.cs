using System.Collections.Concurrent;
using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>
/// Key lookups by SHA-256 hash, kept for <see cref="Ttl"/> (unknown hashes too, so guessing costs no query). A cached
/// identity is re-judged on every request (<see cref="ApiKeyIdentity.StatusAt"/>), so expiry and grace ends are exact;
/// revocation, rotation and tier changes made on this replica call <see cref="Invalidate(ApiKeyInvalidation)"/>, which evicts at once and
/// raises <see cref="Invalidated"/> for whoever tells the other replicas (they call <see cref="Evict"/>).
/// </summary>
internal sealed class ApiKeyCache(ApiKeyRepository keys, TimeProvider time)
{
    /// <summary>How long a lookup (and with it the tier's limits) is trusted.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    /// <summary>Past this many entries the cache starts over, so a flood of made-up keys cannot grow it without bound.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Raised after a local <see cref="Invalidate(ApiKeyInvalidation)"/>; not raised by <see cref="Evict"/>.</summary>
    public event Action<ApiKeyInvalidation>? Invalidated;

    public int Count => _entries.Count;

    /// <summary>The identity of the key with this secret, or null when no key has it. The caller judges its status.</summary>
    public ValueTask<ApiKeyIdentity?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeyGenerator.Hash(secret);
        return _entries.TryGetValue(hash, out var entry) && time.GetUtcNow() - entry.FetchedAt < Ttl
            ? ValueTask.FromResult(entry.Identity)
            : LoadAsync(hash, cancellationToken);
    }

    /// <summary>Evicts on this replica and announces it through <see cref="Invalidated"/>.</summary>
    public void Invalidate(ApiKeyInvalidation what)
    {
        Evict(what);
        Invalidated?.Invoke(what);
    }

    public void Invalidate(long keyId) => Invalidate(new ApiKeyInvalidation(KeyId: keyId));

    public void Invalidate(string secretHash) => Invalidate(new ApiKeyInvalidation(SecretHash: secretHash));

    /// <summary>Evicts on this replica only: for invalidations that arrive from another replica.</summary>
    public void Evict(ApiKeyInvalidation what)
    {
        // Bumped first: a lookup that started before the eviction must not put back what it read.
        Interlocked.Increment(ref _generation);
        if (what.IsAll)
        {
            _entries.Clear();
            return;
        }

        if (what.SecretHash is { } hash)
        {
            _entries.TryRemove(hash, out _);
        }

        if (what.KeyId is { } id)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Identity?.Key.Id == id)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private async ValueTask<ApiKeyIdentity?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        var now = time.GetUtcNow();
        var identity = await keys.FindByHashAsync(hash, cancellationToken);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        if (Interlocked.Read(ref _generation) == generation)
        {
            _entries[hash] = new Entry(identity, now);
        }

        if (identity?.StatusAt(now) == ApiKeyStatus.Active)
        {
            // At most once per TTL per key from here, and the repository writes at most once a minute.
            await keys.MarkUsedAsync(identity.Key.Id, cancellationToken);
        }

        return identity;
    }

    private sealed record Entry(ApiKeyIdentity? Identity, DateTimeOffset FetchedAt);
}
