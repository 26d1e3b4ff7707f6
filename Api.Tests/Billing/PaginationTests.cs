using Platform.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Billing;

public sealed class PaginationTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task ListAsync_LimitAndAfter_WalksEveryItemOnceInCreationOrder()
    {
        var created = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await Billing.Organizations.CreateAsync($"Org {i}", AuditActor.System)).Id);
        }

        var first = await Billing.Organizations.ListAsync(new PageRequest(2));
        var second = await Billing.Organizations.ListAsync(new PageRequest(2, first.Items[^1].Id));
        var third = await Billing.Organizations.ListAsync(new PageRequest(2, second.Items[^1].Id));

        Assert.Equal(created[..2], first.Items.Select(o => o.Id));
        Assert.Equal(created[2..4], second.Items.Select(o => o.Id));
        Assert.Equal(created[4..], third.Items.Select(o => o.Id));
        Assert.Equal((true, true, false), (first.HasMore, second.HasMore, third.HasMore));
    }

    [Fact]
    public async Task ListAsync_ExactlyOnePageLeft_HasNoMore()
    {
        var project = await Billing.NewProjectAsync();
        for (var i = 0; i < 3; i++)
        {
            await Billing.Keys.CreateAsync(new NewApiKey(project.Id, $"key {i}", [ApiKeyScopes.Inference]), AuditActor.System);
        }

        var page = await Billing.Keys.ListAsync(project.Id, new PageRequest(3));
        var beyond = await Billing.Keys.ListAsync(project.Id, new PageRequest(3, page.Items[^1].Id));

        Assert.Equal((3, false), (page.Items.Count, page.HasMore));
        Assert.Equal((0, false), (beyond.Items.Count, beyond.HasMore));
    }

    [Fact]
    public async Task ListAsync_ProjectsOfAnOrganization_OnlyItsOwn()
    {
        var mine = await Billing.NewProjectAsync("Mine", "a");
        var theirs = await Billing.NewProjectAsync("Theirs", "b");

        var page = await Billing.Projects.ListAsync(mine.OrganizationId, new PageRequest());

        Assert.Equal([mine.Id], page.Items.Select(p => p.Id));
        Assert.NotEqual(mine.OrganizationId, theirs.OrganizationId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task ListAsync_LimitOutOfRange_IsInvalid(int limit)
    {
        var refused = await Assert.ThrowsAsync<BillingValidationException>(() => Billing.Tiers.ListAsync(new PageRequest(limit)));

        Assert.Equal("limit", refused.Parameter);
    }
}
