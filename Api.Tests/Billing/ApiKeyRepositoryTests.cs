using Platform.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Billing;

public sealed class ApiKeyRepositoryTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    private static readonly AuditActor Admin = new(null, "sk-...test");

    [Fact]
    public async Task CreateAsync_NewKey_StoresHashAndDisplayButNeverTheSecret()
    {
        var project = await Billing.NewProjectAsync();

        var created = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "ci", [ApiKeyScopes.Inference]), Admin);

        Assert.StartsWith("sk-", created.Secret, StringComparison.Ordinal);
        Assert.Equal("sk-..." + created.Secret[^4..], created.Key.Display);
        Assert.Equal(ApiKeyGenerator.Hash(created.Secret), await Billing.Database.ScalarAsync<string>($"SELECT secret_hash FROM api_keys WHERE id = {created.Key.Id}"));
        // Every row of every table, as text: the secret (or its random part) appears nowhere.
        var everything = await Billing.Database.ScalarAsync<string>(
            "SELECT string_agg(t::text, ' ') FROM (SELECT row_to_json(k)::text AS t FROM api_keys k UNION ALL SELECT row_to_json(a)::text FROM audit_log a) rows");
        Assert.DoesNotContain(created.Secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret[3..], everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindByHashAsync_KnownKey_ReturnsKeyProjectOrganizationAndTierInOneQuery()
    {
        var project = await Billing.NewProjectAsync("Lookup Org", "Lookup Project");
        var created = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "app", [ApiKeyScopes.Inference, ApiKeyScopes.Admin]), Admin);
        Billing.Commands.Reset();

        var identity = await Billing.Keys.FindByHashAsync(ApiKeyGenerator.Hash(created.Secret));

        Assert.Single(Billing.Commands.Commands);
        Assert.NotNull(identity);
        Assert.Equal(created.Key, identity.Key with { Scopes = created.Key.Scopes });
        Assert.Equal([ApiKeyScopes.Inference, ApiKeyScopes.Admin], identity.Key.Scopes);
        Assert.Equal(project, identity.Project);
        Assert.Equal("Lookup Org", identity.Organization.Name);
        Assert.Equal("free", identity.Tier.Name);
        Assert.Equal(3, identity.Tier.Limits.RequestsPerMinute);
        Assert.Equal(ApiKeyStatus.Active, identity.StatusAt(Billing.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task FindBySecretAsync_UnknownSecret_ReturnsNull()
    {
        await Billing.NewProjectAsync();

        Assert.Null(await Billing.Keys.FindBySecretAsync("sk-not-a-key"));
    }

    [Fact]
    public async Task RevokeAsync_ActiveKey_StopsAuthenticatingAndIsAudited()
    {
        var project = await Billing.NewProjectAsync();
        var created = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "app", [ApiKeyScopes.Inference]), Admin);
        Billing.Clock.Advance(TimeSpan.FromMinutes(5));

        var revoked = await Billing.Keys.RevokeAsync(created.Key.Id, Admin);
        var again = await Billing.Keys.RevokeAsync(created.Key.Id, Admin);

        Assert.Equal(Billing.Clock.GetUtcNow(), revoked.RevokedAt);
        Assert.Equal(revoked, again with { Scopes = revoked.Scopes });
        var found = await Billing.Keys.FindBySecretAsync(created.Secret);
        Assert.Equal(ApiKeyStatus.Revoked, found!.StatusAt(Billing.Clock.GetUtcNow()));
        var audit = await Billing.AuditOfAsync(AuditEntityTypes.ApiKey, created.Key.Id);
        Assert.Equal([AuditActions.Create, AuditActions.Revoke], audit.Select(a => a.Action));
    }

    [Fact]
    public async Task StatusAt_PastExpiry_IsExpired()
    {
        var project = await Billing.NewProjectAsync();
        var created = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "temp", [ApiKeyScopes.Inference], Billing.Clock.GetUtcNow().AddHours(1)), Admin);

        var identity = await Billing.Keys.FindBySecretAsync(created.Secret);

        Assert.Equal(ApiKeyStatus.Active, identity!.StatusAt(Billing.Clock.GetUtcNow().AddMinutes(59)));
        Assert.Equal(ApiKeyStatus.Expired, identity.StatusAt(Billing.Clock.GetUtcNow().AddHours(1)));
    }

    [Fact]
    public async Task CreateAsync_ExpiryNotInTheFuture_IsInvalid()
    {
        var project = await Billing.NewProjectAsync();

        var refused = await Assert.ThrowsAsync<BillingValidationException>(
            () => Billing.Keys.CreateAsync(new NewApiKey(project.Id, "old", [ApiKeyScopes.Inference], Billing.Clock.GetUtcNow()), Admin));

        Assert.Equal("expires_at", refused.Parameter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("inference,superuser")]
    public async Task CreateAsync_BadScopes_IsInvalid(string scopes)
    {
        var project = await Billing.NewProjectAsync();
        var list = scopes.Split(',', StringSplitOptions.RemoveEmptyEntries);

        var refused = await Assert.ThrowsAsync<BillingValidationException>(() => Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", list), Admin));

        Assert.Equal("scopes", refused.Parameter);
        Assert.Equal(BillingErrorKind.Invalid, refused.Kind);
    }

    [Fact]
    public async Task CreateAsync_UnknownProject_IsNotFoundAndWritesNothing()
    {
        var refused = await Assert.ThrowsAsync<BillingNotFoundException>(
            () => Billing.Keys.CreateAsync(new NewApiKey(424242, "k", [ApiKeyScopes.Inference]), Admin));

        Assert.Equal("project_id", refused.Parameter);
        Assert.Equal(0L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM api_keys"));
        Assert.Equal(0L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task RotateAsync_WithGrace_OldKeyWorksUntilTheGraceEndsAndNamesItsReplacement()
    {
        var project = await Billing.NewProjectAsync();
        var old = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "app", [ApiKeyScopes.Inference]), Admin);
        Billing.Clock.Advance(TimeSpan.FromDays(1));

        var replacement = await Billing.Keys.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), Admin);

        Assert.NotEqual(old.Secret, replacement.Secret);
        Assert.Equal(("app", project.Id), (replacement.Key.Name, replacement.Key.ProjectId));
        Assert.Equal(old.Key.Scopes, replacement.Key.Scopes);
        var oldNow = (await Billing.Keys.FindBySecretAsync(old.Secret))!;
        Assert.Equal(replacement.Key.Id, oldNow.Key.ReplacedBy);
        Assert.Equal(Billing.Clock.GetUtcNow().AddHours(1), oldNow.Key.GraceUntil);
        Assert.Equal(ApiKeyStatus.Active, oldNow.StatusAt(Billing.Clock.GetUtcNow().AddMinutes(59)));
        Assert.Equal(ApiKeyStatus.Replaced, oldNow.StatusAt(Billing.Clock.GetUtcNow().AddHours(1)));
        Assert.Equal(ApiKeyStatus.Active, (await Billing.Keys.FindBySecretAsync(replacement.Secret))!.StatusAt(Billing.Clock.GetUtcNow().AddDays(300)));
        Assert.Equal([AuditActions.Create, AuditActions.Rotate], (await Billing.AuditOfAsync(AuditEntityTypes.ApiKey, old.Key.Id)).Select(a => a.Action));
        Assert.Equal([AuditActions.Create], (await Billing.AuditOfAsync(AuditEntityTypes.ApiKey, replacement.Key.Id)).Select(a => a.Action));
    }

    [Fact]
    public async Task RotateAsync_NoGrace_OldKeyStopsAtOnce()
    {
        var project = await Billing.NewProjectAsync();
        var old = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "app", [ApiKeyScopes.Inference]), Admin);

        await Billing.Keys.RotateAsync(old.Key.Id, TimeSpan.Zero, Admin);

        Assert.Equal(ApiKeyStatus.Replaced, (await Billing.Keys.FindBySecretAsync(old.Secret))!.StatusAt(Billing.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task RotateAsync_AlreadyRotatedOrRevoked_IsConflict()
    {
        var project = await Billing.NewProjectAsync();
        var rotated = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "a", [ApiKeyScopes.Inference]), Admin);
        var revoked = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "b", [ApiKeyScopes.Inference]), Admin);
        await Billing.Keys.RotateAsync(rotated.Key.Id, TimeSpan.FromHours(1), Admin);
        await Billing.Keys.RevokeAsync(revoked.Key.Id, Admin);

        await Assert.ThrowsAsync<BillingConflictException>(() => Billing.Keys.RotateAsync(rotated.Key.Id, TimeSpan.FromHours(1), Admin));
        await Assert.ThrowsAsync<BillingConflictException>(() => Billing.Keys.RotateAsync(revoked.Key.Id, TimeSpan.FromHours(1), Admin));
        Assert.Equal(3L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task RotateAsync_GraceOutOfRange_IsInvalid()
    {
        var project = await Billing.NewProjectAsync();
        var key = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "a", [ApiKeyScopes.Inference]), Admin);

        await Assert.ThrowsAsync<BillingValidationException>(() => Billing.Keys.RotateAsync(key.Key.Id, TimeSpan.FromSeconds(-1), Admin));
        await Assert.ThrowsAsync<BillingValidationException>(() => Billing.Keys.RotateAsync(key.Key.Id, TimeSpan.FromDays(31), Admin));
    }

    [Fact]
    public async Task RevokeAndRotateAsync_UnknownKey_IsNotFound()
    {
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Keys.RevokeAsync(999, Admin));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Keys.RotateAsync(999, TimeSpan.Zero, Admin));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Keys.GetAsync(999));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Keys.ListAsync(999, new PageRequest()));
    }

    [Fact]
    public async Task MarkUsedAsync_TwiceWithinAMinute_WritesOnce()
    {
        var project = await Billing.NewProjectAsync();
        var key = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "a", [ApiKeyScopes.Inference]), Admin);
        var first = Billing.Clock.GetUtcNow();

        await Billing.Keys.MarkUsedAsync(key.Key.Id);
        Billing.Clock.Advance(TimeSpan.FromSeconds(30));
        await Billing.Keys.MarkUsedAsync(key.Key.Id);
        var afterHalfAMinute = (await Billing.Keys.GetAsync(key.Key.Id)).LastUsedAt;
        Billing.Clock.Advance(TimeSpan.FromSeconds(31));
        await Billing.Keys.MarkUsedAsync(key.Key.Id);

        Assert.Equal(first, afterHalfAMinute);
        Assert.Equal(Billing.Clock.GetUtcNow(), (await Billing.Keys.GetAsync(key.Key.Id)).LastUsedAt);
    }
}
