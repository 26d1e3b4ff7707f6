using BitFaster.Caching.Lru;
using Microsoft.Extensions.Options;
using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>
/// Key lookups by SHA-256 hash, kept for <see cref="Ttl"/>. Known keys live in a bounded LRU (BitFaster's
/// <c>ConcurrentLru</c>, which is scan-resistant: entries seen once leave before entries in use), unknown hashes in a
/// separate bounded LRU for <see cref="NegativeTtl"/>, so a flood of made-up keys neither costs a query per repeat
/// nor evicts a valid key. A cached identity is re-judged on every request (<see cref="ApiKeyIdentity.StatusAt"/>),
/// so expiry and grace ends are exact; revocation, rotation and tier changes made on this replica call
/// <see cref="Invalidate(ApiKeyInvalidation)"/>, which evicts at once and raises <see cref="Invalidated"/> for whoever
/// tells the other replicas (they call <see cref="Evict"/>).
/// </summary>
internal sealed class ApiKeyCache
{
    /// <summary>How long a lookup (and with it the tier's limits) is trusted.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    /// <summary>How long an unknown hash is answered without a query: short, as a key made on another replica may appear.</summary>
    public static readonly TimeSpan NegativeTtl = TimeSpan.FromSeconds(5);

    private readonly ApiKeyRepository _keys;
    private readonly TimeProvider _time;
    private readonly ConcurrentLru<string, Entry> _known;
    private readonly ConcurrentLru<string, DateTimeOffset> _unknown;
    private long _generation;

    public ApiKeyCache(ApiKeyRepository keys, TimeProvider time, IOptions<AuthOptions> options)
    {
        _keys = keys;
        _time = time;
        _known = new ConcurrentLru<string, Entry>(options.Value.KeyCacheSize);
        _unknown = new ConcurrentLru<string, DateTimeOffset>(options.Value.NegativeCacheSize);
    }

    /// <summary>Raised after a local <see cref="Invalidate(ApiKeyInvalidation)"/>; not raised by <see cref="Evict"/>.</summary>
    public event Action<ApiKeyInvalidation>? Invalidated;

    /// <summary>Entries held, known and unknown together.</summary>
    public int Count => _known.Count + _unknown.Count;

    public int KnownCount => _known.Count;

    /// <summary>The identity of the key with this secret, or null when no key has it. The caller judges its status.</summary>
    public ValueTask<ApiKeyIdentity?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeyGenerator.Hash(secret);
        return TryGetCached(hash, out var identity) ? ValueTask.FromResult(identity) : LoadAsync(hash, cancellationToken);
    }

    /// <summary>A fresh cached answer for the hash, without any database work: the identity, or null for a known-unknown hash.</summary>
    public bool TryGetCached(string hash, out ApiKeyIdentity? identity) => Lookup(hash, out identity) == CachedAnswer.Fresh;

    /// <summary>
    /// What the cache knows of the hash: a fresh answer (<paramref name="identity"/>, null for an unknown hash), a
    /// key it knew but must re-read (a real key, so re-reading it is worth a query even for a throttled address),
    /// or nothing.
    /// </summary>
    public CachedAnswer Lookup(string hash, out ApiKeyIdentity? identity)
    {
        var now = _time.GetUtcNow();
        if (_known.TryGet(hash, out var entry))
        {
            identity = entry.Identity;
            return now - entry.FetchedAt < Ttl ? CachedAnswer.Fresh : CachedAnswer.StaleKnown;
        }

        identity = null;
        return _unknown.TryGet(hash, out var fetchedAt) && now - fetchedAt < NegativeTtl ? CachedAnswer.Fresh : CachedAnswer.None;
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
            _known.Clear();
            _unknown.Clear();
            return;
        }

        if (what.SecretHash is { } hash)
        {
            _known.TryRemove(hash);
            _unknown.TryRemove(hash);
        }

        if (what.KeyId is { } id)
        {
            foreach (var (key, entry) in _known)
            {
                if (entry.Identity.Key.Id == id)
                {
                    _known.TryRemove(key);
                }
            }
        }
    }

    private async ValueTask<ApiKeyIdentity?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        var now = _time.GetUtcNow();
        var identity = await _keys.FindByHashAsync(hash, cancellationToken);
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (identity is null)
            {
                _unknown.AddOrUpdate(hash, now);
            }
            else
            {
                _unknown.TryRemove(hash);
                _known.AddOrUpdate(hash, new Entry(identity, now));
            }
        }

        if (identity?.StatusAt(now) == ApiKeyStatus.Active)
        {
            // At most once per TTL per key from here, and the repository writes at most once a minute.
            await _keys.MarkUsedAsync(identity.Key.Id, cancellationToken);
        }

        return identity;
    }

    private sealed record Entry(ApiKeyIdentity Identity, DateTimeOffset FetchedAt);
}

/// <summary>See <see cref="ApiKeyCache.Lookup"/>.</summary>
internal enum CachedAnswer
{
    None,
    Fresh,
    StaleKnown,
}
