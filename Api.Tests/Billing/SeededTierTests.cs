using Platform.Billing;
using Platform.Billing.Tiers;

namespace Platform.Api.Tests.Billing;

public sealed class SeededTierTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    private static readonly string[] Names = ["free", "tier-1", "tier-2", "tier-3", "tier-4", "tier-5"];

    [Fact]
    public async Task Migrations_FreshDatabase_SeedFreeAndTiersOneToFive()
    {
        var tiers = (await Billing.Tiers.ListAsync(new PageRequest(PageRequest.MaxLimit))).Items;

        Assert.Equal(Names, tiers.Select(t => t.Name));
    }

    [Fact]
    public async Task SeededTiers_FromFreeToTierFive_EveryLimitRises()
    {
        var tiers = new List<Tier>();
        foreach (var name in Names)
        {
            tiers.Add(await Billing.Tiers.GetByNameAsync(name));
        }

        foreach (var (lower, higher) in tiers.Zip(tiers.Skip(1)))
        {
            var (a, b) = (lower.Limits, higher.Limits);
            Assert.True(b.RequestsPerMinute > a.RequestsPerMinute, $"{higher.Name} RPM");
            Assert.True(b.TokensPerMinute > a.TokensPerMinute, $"{higher.Name} TPM");
            Assert.True(b.TokensPerDay > a.TokensPerDay, $"{higher.Name} TPD");
            Assert.True(b.MonthlyTokenQuota is null || b.MonthlyTokenQuota > a.MonthlyTokenQuota, $"{higher.Name} monthly quota");
            Assert.True(b.MaxConcurrentRequests > a.MaxConcurrentRequests, $"{higher.Name} concurrency");
            Assert.True(b.WaitingRoomPriority > a.WaitingRoomPriority, $"{higher.Name} priority");
        }

        var (free, top) = (tiers[0].Limits, tiers[^1].Limits);
        Assert.Equal((3, 40_000L, 200_000L, 2_000_000L), (free.RequestsPerMinute, free.TokensPerMinute, free.TokensPerDay, free.MonthlyTokenQuota!.Value));
        Assert.Null(top.MonthlyTokenQuota);
        Assert.True(top.TokensPerMinute >= 1000 * free.TokensPerMinute);
        Assert.All(tiers, t => Assert.Empty(t.Limits.AllowedModels));
        Assert.All(tiers, t => Assert.True(t.Limits.AllowsModel("any-model")));
    }
}
