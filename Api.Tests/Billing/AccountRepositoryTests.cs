using Platform.Billing;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;

namespace Platform.Api.Tests.Billing;

/// <summary>Organizations and projects.</summary>
public sealed class AccountRepositoryTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task CreateAsync_DuplicateOrganizationName_IsConflictAndWritesNoAuditRow()
    {
        await Billing.Organizations.CreateAsync("Acme", AuditActor.System);

        var refused = await Assert.ThrowsAsync<BillingConflictException>(() => Billing.Organizations.CreateAsync("Acme", AuditActor.System));

        Assert.Equal(("name", BillingErrorKind.Conflict), (refused.Parameter, refused.Kind));
        Assert.Equal(1L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM organizations"));
        Assert.Equal(1L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task UpdateAsync_RenameToATakenName_IsConflict()
    {
        await Billing.Organizations.CreateAsync("Acme", AuditActor.System);
        var other = await Billing.Organizations.CreateAsync("Globex", AuditActor.System);

        await Assert.ThrowsAsync<BillingConflictException>(() => Billing.Organizations.UpdateAsync(other.Id, "Acme", AuditActor.System));

        Assert.Equal("Globex", (await Billing.Organizations.GetAsync(other.Id)).Name);
    }

    [Fact]
    public async Task CreateAsync_DuplicateProjectName_IsConflictWithinAnOrganizationOnly()
    {
        var first = await Billing.NewProjectAsync("Acme", "web");
        var other = await Billing.Organizations.CreateAsync("Globex", AuditActor.System);

        await Assert.ThrowsAsync<BillingConflictException>(() => Billing.Projects.CreateAsync(first.OrganizationId, "web", first.TierId, AuditActor.System));
        var elsewhere = await Billing.Projects.CreateAsync(other.Id, "web", first.TierId, AuditActor.System);

        Assert.Equal("web", elsewhere.Name);
    }

    [Fact]
    public async Task UnknownIds_EveryOperation_IsNotFound()
    {
        var project = await Billing.NewProjectAsync();

        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Organizations.GetAsync(404));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Organizations.UpdateAsync(404, "x", AuditActor.System));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Projects.GetAsync(404));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Projects.UpdateAsync(404, new ProjectChanges("x"), AuditActor.System));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Projects.ListAsync(404, new PageRequest()));
        var noOrganization = await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Projects.CreateAsync(404, "x", project.TierId, AuditActor.System));
        var noTier = await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Projects.CreateAsync(project.OrganizationId, "x", 404, AuditActor.System));
        var noTierOnUpdate = await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Projects.UpdateAsync(project.Id, new ProjectChanges(TierId: 404), AuditActor.System));

        Assert.Equal(("organization_id", "tier_id", "tier_id"), (noOrganization.Parameter, noTier.Parameter, noTierOnUpdate.Parameter));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  padded  ")]
    public async Task CreateAsync_BadName_IsInvalid(string name)
    {
        var refused = await Assert.ThrowsAsync<BillingValidationException>(() => Billing.Organizations.CreateAsync(name, AuditActor.System));

        Assert.Equal("name", refused.Parameter);
    }

    [Fact]
    public async Task UpdateAsync_Project_MovesTierAndRenamesAndKeepsTheRest()
    {
        var project = await Billing.NewProjectAsync();
        var tier3 = await Billing.Tiers.GetByNameAsync("tier-3");
        Billing.Clock.Advance(TimeSpan.FromHours(1));

        var moved = await Billing.Projects.UpdateAsync(project.Id, new ProjectChanges(TierId: tier3.Id), AuditActor.System);
        var renamed = await Billing.Projects.UpdateAsync(project.Id, new ProjectChanges(Name: "Renamed"), AuditActor.System);

        Assert.Equal((tier3.Id, project.Name), (moved.TierId, moved.Name));
        Assert.Equal((tier3.Id, "Renamed", project.CreatedAt, Billing.Clock.GetUtcNow()), (renamed.TierId, renamed.Name, renamed.CreatedAt, renamed.UpdatedAt));
        Assert.Equal(renamed, await Billing.Projects.GetAsync(project.Id));
    }
}
