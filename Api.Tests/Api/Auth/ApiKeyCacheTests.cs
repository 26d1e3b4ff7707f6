using Platform.Api.Auth;
using Platform.Api.Tests.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Api.Auth;

public sealed class ApiKeyCacheTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task Find_WithinTtl_ServedFromCacheWithoutAQuery()
    {
        var (cache, key) = await NewAsync();
        await cache.FindAsync(key.Secret, default);
        var commands = Billing.Commands.Commands.Count;

        var again = await cache.FindAsync(key.Secret, default);

        Assert.Equal(key.Key.Id, again!.Key.Id);
        Assert.Equal(commands, Billing.Commands.Commands.Count);
    }

    [Fact]
    public async Task Find_RevokedElsewhere_StaleUntilTtlThenRevoked()
    {
        var (cache, key) = await NewAsync();
        await cache.FindAsync(key.Secret, default);
        await Billing.Keys.RevokeAsync(key.Key.Id, AuditActor.System);

        var stale = await cache.FindAsync(key.Secret, default);
        Billing.Clock.Advance(ApiKeyCache.Ttl);
        var fresh = await cache.FindAsync(key.Secret, default);

        Assert.Equal(ApiKeyStatus.Active, stale!.StatusAt(Billing.Clock.GetUtcNow()));
        Assert.Equal(ApiKeyStatus.Revoked, fresh!.StatusAt(Billing.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Invalidate_ByKeyId_EvictsAtOnceAndRaisesTheEvent()
    {
        var (cache, key) = await NewAsync();
        var raised = new List<ApiKeyInvalidation>();
        cache.Invalidated += raised.Add;
        await cache.FindAsync(key.Secret, default);
        await Billing.Keys.RevokeAsync(key.Key.Id, AuditActor.System);

        cache.Invalidate(key.Key.Id);

        Assert.Equal(ApiKeyStatus.Revoked, (await cache.FindAsync(key.Secret, default))!.StatusAt(Billing.Clock.GetUtcNow()));
        Assert.Equal([new ApiKeyInvalidation(KeyId: key.Key.Id)], raised);
    }

    [Fact]
    public async Task Evict_ByHash_EvictsWithoutRaising()
    {
        var (cache, key) = await NewAsync();
        var raised = 0;
        cache.Invalidated += _ => raised++;
        await cache.FindAsync(key.Secret, default);
        await Billing.Keys.RevokeAsync(key.Key.Id, AuditActor.System);

        cache.Evict(new ApiKeyInvalidation(SecretHash: ApiKeyGenerator.Hash(key.Secret)));

        Assert.Equal(ApiKeyStatus.Revoked, (await cache.FindAsync(key.Secret, default))!.StatusAt(Billing.Clock.GetUtcNow()));
        Assert.Equal(0, raised);
    }

    [Fact]
    public async Task Find_UnknownKey_CachedAsNull()
    {
        var (cache, _) = await NewAsync();
        Assert.Null(await cache.FindAsync("sk-unknown-key-of-nobody-at-all", default));
        var commands = Billing.Commands.Commands.Count;

        Assert.Null(await cache.FindAsync("sk-unknown-key-of-nobody-at-all", default));
        Assert.Equal(commands, Billing.Commands.Commands.Count);
        Assert.Equal(1, cache.Count);
    }

    private async Task<(ApiKeyCache Cache, CreatedApiKey Key)> NewAsync()
    {
        var project = await Billing.NewProjectAsync();
        var key = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", [ApiKeyScopes.Inference]), AuditActor.System);
        return (new ApiKeyCache(Billing.Keys, Billing.Clock, Microsoft.Extensions.Options.Options.Create(new AuthOptions())), key);
    }
}
