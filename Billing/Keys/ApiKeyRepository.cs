using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;
using Platform.Billing.Data;

namespace Platform.Billing.Keys;

/// <summary>
/// API keys of a project: create, list, revoke and rotate (audited), and the per-request lookup by hash.
/// Secrets exist only in what <see cref="CreateAsync"/> and <see cref="RotateAsync"/> return.
/// </summary>
public sealed class ApiKeyRepository
{
    /// <summary>Longest grace a rotated key may keep working.</summary>
    public static readonly TimeSpan MaxGrace = TimeSpan.FromDays(30);

    /// <summary><c>last_used_at</c> is only moved when older than this: a busy key must not write on every request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Shortest secret <see cref="ImportAsync"/> accepts.</summary>
    public const int MinImportedSecretLength = 24;

    private readonly BillingDatabase _database;
    private readonly ApiKeyGenerator _generator;

    internal ApiKeyRepository(BillingDatabase database, ApiKeyGenerator generator)
    {
        _database = database;
        _generator = generator;
    }

    public Task<CreatedApiKey> CreateAsync(NewApiKey key, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Check.Name(key.Name);
        var scopes = ValidScopes(key.Scopes);
        return _database.ChangeAsync(actor, async change =>
        {
            if (key.ExpiresAt <= change.Now)
            {
                throw new BillingValidationException("expires_at must be in the future.", "expires_at");
            }

            if (!await change.Db.Projects.AnyAsync(p => p.Id == key.ProjectId, change.CancellationToken))
            {
                throw Check.NotFound("project", key.ProjectId, "project_id");
            }

            return await AddAsync(change, key.ProjectId, key.Name, scopes, key.ExpiresAt, _generator.Generate());
        }, cancellationToken);
    }

    /// <summary>
    /// Stores a key whose secret was chosen outside (an operator's bootstrap key, <c>PLATFORM_ADMIN_KEY</c>): only its
    /// hash and display form are kept. The secret must look like ours: <c>sk-</c> and at least
    /// <see cref="MinImportedSecretLength"/> characters without whitespace.
    /// </summary>
    public Task<CreatedApiKey> ImportAsync(NewApiKey key, string secret, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Check.Name(key.Name);
        var scopes = ValidScopes(key.Scopes);
        if (secret is null || secret.Length < MinImportedSecretLength || !secret.StartsWith(ApiKeyGenerator.Prefix, StringComparison.Ordinal)
            || secret.Any(char.IsWhiteSpace))
        {
            throw new BillingValidationException(
                $"An imported key must start with '{ApiKeyGenerator.Prefix}' and have at least {MinImportedSecretLength} characters without whitespace.", "secret");
        }

        var generated = new GeneratedApiKey(secret, ApiKeyGenerator.Hash(secret), ApiKeyGenerator.DisplayOf(secret));
        return _database.ChangeAsync(actor, async change =>
        {
            if (!await change.Db.Projects.AnyAsync(p => p.Id == key.ProjectId, change.CancellationToken))
            {
                throw Check.NotFound("project", key.ProjectId, "project_id");
            }

            return await AddAsync(change, key.ProjectId, key.Name, scopes, key.ExpiresAt, generated);
        }, cancellationToken);
    }

    /// <summary>Whether any key exists at all, revoked ones included (an empty table means a first start).</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        return await db.ApiKeys.AnyAsync(cancellationToken);
    }

    public async Task<ApiKey> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        return row?.ToApiKey() ?? throw Check.NotFound("API key", id);
    }

    /// <summary>The keys of one project, revoked and replaced ones included; an unknown project is not found.</summary>
    public async Task<Page<ApiKey>> ListAsync(long projectId, PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        if (!await db.Projects.AnyAsync(p => p.Id == projectId, cancellationToken))
        {
            throw Check.NotFound("project", projectId, "project_id");
        }

        return await db.ApiKeys.Where(k => k.ProjectId == projectId).ToPageAsync(page, k => k.ToApiKey(), cancellationToken);
    }

    /// <summary>Revokes the key at once, grace or not. Revoking a revoked key changes nothing and records nothing.</summary>
    public Task<ApiKey> RevokeAsync(long id, AuditActor actor, CancellationToken cancellationToken = default) =>
        _database.ChangeAsync(actor, async change =>
        {
            var row = await change.LockAsync<ApiKeyRow>(id) ?? throw Check.NotFound("API key", id);
            if (row.RevokedAt is not null)
            {
                return row.ToApiKey();
            }

            var before = row.ToApiKey();
            row.RevokedAt = change.Now;
            await change.SaveAsync();
            var after = row.ToApiKey();
            change.Record(AuditActions.Revoke, AuditEntityTypes.ApiKey, id, before, after);
            return after;
        }, cancellationToken);

    /// <summary>
    /// Replaces the key with a new one (same project, name, scopes and expiry). The old key keeps working for
    /// <paramref name="grace"/> (zero: stops at once), so clients can switch without an outage.
    /// </summary>
    public Task<CreatedApiKey> RotateAsync(long id, TimeSpan grace, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (grace < TimeSpan.Zero || grace > MaxGrace)
        {
            throw new BillingValidationException($"The grace period must be between 0 and {MaxGrace.TotalDays} days.", "grace");
        }

        return _database.ChangeAsync(actor, async change =>
        {
            var old = await change.LockAsync<ApiKeyRow>(id) ?? throw Check.NotFound("API key", id);
            switch (old.ToApiKey().StatusAt(change.Now))
            {
                case ApiKeyStatus.Revoked or ApiKeyStatus.Expired:
                    throw new BillingConflictException("A revoked or expired key cannot be rotated.", "id");
                case ApiKeyStatus.Replaced:
                case ApiKeyStatus.Active when old.ReplacedBy is not null:
                    throw new BillingConflictException($"The key was already rotated; its replacement is key {old.ReplacedBy}.", "id");
            }

            var created = await AddAsync(change, old.ProjectId, old.Name, old.Scopes, old.ExpiresAt, _generator.Generate());
            var before = old.ToApiKey();
            old.ReplacedBy = created.Key.Id;
            old.GraceUntil = change.Now + grace;
            await change.SaveAsync();
            change.Record(AuditActions.Rotate, AuditEntityTypes.ApiKey, id, before, old.ToApiKey());
            return created;
        }, cancellationToken);
    }

    /// <summary>
    /// The key with this secret hash and its project, organization and tier, in one query; null when no key has it.
    /// The caller decides with <see cref="ApiKeyIdentity.StatusAt"/> (cached identities must be re-checked for expiry).
    /// </summary>
    public async Task<ApiKeyIdentity?> FindByHashAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == secretHash)
            .Select(k => new { Key = k, k.Project, k.Project!.Organization, k.Project.Tier })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null
            ? null
            : new ApiKeyIdentity(found.Key.ToApiKey(), found.Project!.ToProject(), found.Organization!.ToOrganization(), found.Tier!.ToTier());
    }

    /// <summary>Looks a presented secret up by its hash.</summary>
    public Task<ApiKeyIdentity?> FindBySecretAsync(string secret, CancellationToken cancellationToken = default) =>
        FindByHashAsync(ApiKeyGenerator.Hash(secret), cancellationToken);

    /// <summary>Records a use of the key; at most one write per key per <see cref="LastUsedResolution"/>.</summary>
    public async Task MarkUsedAsync(long id, CancellationToken cancellationToken = default)
    {
        var now = _database.Time.GetUtcNow();
        var staleBefore = now - LastUsedResolution;
        await using var db = await _database.ContextAsync(cancellationToken);
        await db.ApiKeys
            .Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt < staleBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }

    private static async Task<CreatedApiKey> AddAsync(
        AdminChange change, long projectId, string name, string[] scopes, DateTimeOffset? expiresAt, GeneratedApiKey secret)
    {
        var row = new ApiKeyRow
        {
            ProjectId = projectId,
            Name = name,
            SecretHash = secret.Hash,
            Display = secret.Display,
            Scopes = scopes,
            CreatedAt = change.Now,
            ExpiresAt = expiresAt,
        };
        change.Db.ApiKeys.Add(row);
        await change.SaveAsync();
        var created = row.ToApiKey();
        change.Record(AuditActions.Create, AuditEntityTypes.ApiKey, row.Id, null, created);
        return new CreatedApiKey(created, secret.Secret);
    }

    private static string[] ValidScopes(IReadOnlyList<string>? scopes)
    {
        if (scopes is null || scopes.Count == 0 || scopes.Any(s => !ApiKeyScopes.All.Contains(s)))
        {
            throw new BillingValidationException(
                $"scopes must name at least one of: {string.Join(", ", ApiKeyScopes.All)}.", "scopes");
        }

        return [.. scopes.Distinct(StringComparer.Ordinal)];
    }
}
