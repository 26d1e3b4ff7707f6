using System.Text.Json;
using Platform.Billing;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Pricing;

namespace Platform.Api.Tests.Billing;

/// <summary>Every admin change leaves one audit row: who, what, when, and the entity as JSON before and after.</summary>
public sealed class AuditLogTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    private static readonly AuditActor Admin = new(null, "sk-...adm1");

    [Fact]
    public async Task AdminChanges_EveryKind_WriteOneAuditRowEachWithBeforeAndAfter()
    {
        var organization = await Billing.Organizations.CreateAsync("Acme", Admin);
        await Billing.Organizations.UpdateAsync(organization.Id, "Acme Corp", Admin);
        var free = await Billing.Tiers.GetByNameAsync("free");
        var tier = await Billing.Tiers.CreateAsync("custom", free.Limits, Admin);
        await Billing.Tiers.UpdateAsync(tier.Id, "custom", free.Limits with { RequestsPerMinute = 9 }, Admin);
        var project = await Billing.Projects.CreateAsync(organization.Id, "web", free.Id, Admin);
        await Billing.Projects.UpdateAsync(project.Id, new ProjectChanges(TierId: tier.Id), Admin);
        var key = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", [ApiKeyScopes.Inference]), Admin);
        var rotated = await Billing.Keys.RotateAsync(key.Key.Id, TimeSpan.FromMinutes(10), Admin);
        await Billing.Keys.RevokeAsync(rotated.Key.Id, Admin);
        var price = await Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 1m, 0.5m, 2m, Billing.Clock.GetUtcNow().AddDays(1)), Admin);
        await Billing.Prices.UpdateAsync(price.Id, new ModelPriceDefinition("m", 1m, 0.5m, 3m, Billing.Clock.GetUtcNow().AddDays(1)), Admin);

        var entries = (await Billing.Audit.ListAsync(new PageRequest(PageRequest.MaxLimit))).Items;

        Assert.Equal(
            [
                ("create", "organization", organization.Id), ("update", "organization", organization.Id),
                ("create", "tier", tier.Id), ("update", "tier", tier.Id),
                ("create", "project", project.Id), ("update", "project", project.Id),
                ("create", "api_key", key.Key.Id), ("create", "api_key", rotated.Key.Id), ("rotate", "api_key", key.Key.Id),
                ("revoke", "api_key", rotated.Key.Id),
                ("create", "model_price", price.Id), ("update", "model_price", price.Id),
            ],
            entries.Select(e => (e.Action, e.EntityType, e.EntityId)));
        Assert.All(entries, e => Assert.Equal(("sk-...adm1", Billing.Clock.GetUtcNow()), (e.ActorDisplay, e.At)));
        Assert.All(entries, e => Assert.NotNull(e.After));
        Assert.All(entries, e => Assert.Equal(e.Action == AuditActions.Create, e.Before is null));
        Assert.DoesNotContain(entries, e => e.After!.Contains(key.Secret, StringComparison.Ordinal) || e.After.Contains("secret_hash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_Organization_BeforeAndAfterAreTheEntityAsSnakeCaseJson()
    {
        var organization = await Billing.Organizations.CreateAsync("Before", Admin);
        Billing.Clock.Advance(TimeSpan.FromMinutes(1));

        await Billing.Organizations.UpdateAsync(organization.Id, "After", Admin);

        var update = (await Billing.AuditOfAsync(AuditEntityTypes.Organization, organization.Id))[^1];
        using var before = JsonDocument.Parse(update.Before!);
        using var after = JsonDocument.Parse(update.After!);
        Assert.Equal("Before", before.RootElement.GetProperty("name").GetString());
        Assert.Equal("After", after.RootElement.GetProperty("name").GetString());
        Assert.Equal(organization.Id, after.RootElement.GetProperty("id").GetInt64());
        Assert.Equal(Billing.Clock.GetUtcNow(), after.RootElement.GetProperty("updated_at").GetDateTimeOffset());
        Assert.Equal("jsonb", await Billing.Database.ScalarAsync<string>("SELECT pg_typeof(after)::text FROM audit_log LIMIT 1"));
    }

    [Fact]
    public async Task AdminChange_ByAnAdminKey_RecordsTheKeyIdAndDisplay()
    {
        var project = await Billing.NewProjectAsync();
        var adminKey = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "admin", [ApiKeyScopes.Admin]), AuditActor.System);
        var actor = new AuditActor(adminKey.Key.Id, adminKey.Key.Display);

        var organization = await Billing.Organizations.CreateAsync("By Key", actor);

        var entry = Assert.Single(await Billing.AuditOfAsync(AuditEntityTypes.Organization, organization.Id));
        Assert.Equal((adminKey.Key.Id, adminKey.Key.Display), (entry.ActorKeyId, entry.ActorDisplay));
    }
}
