using Platform.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Tiers;

namespace Platform.Api.Tests.Billing;

public sealed class TierRepositoryTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    private static readonly TierLimits Limits = new(100, 10_000, 1_000_000, null, 2, 5, ["tiny-default"]);

    [Fact]
    public async Task CreateAsync_ValidTier_CanBeReadBackByIdAndName()
    {
        var created = await Billing.Tiers.CreateAsync("enterprise", Limits, AuditActor.System);

        var byId = await Billing.Tiers.GetAsync(created.Id);
        var byName = await Billing.Tiers.GetByNameAsync("enterprise");

        Assert.Equal((created.Id, "enterprise", 100, 10_000L, 1_000_000L, (long?)null, 2, 5), (byId.Id, byId.Name, byId.Limits.RequestsPerMinute, byId.Limits.TokensPerMinute, byId.Limits.TokensPerDay, byId.Limits.MonthlyTokenQuota, byId.Limits.MaxConcurrentRequests, byId.Limits.WaitingRoomPriority));
        Assert.Equal(["tiny-default"], byName.Limits.AllowedModels);
        Assert.True(byName.Limits.AllowsModel("tiny-default"));
        Assert.False(byName.Limits.AllowsModel("other"));
    }

    [Fact]
    public async Task CreateAsync_DuplicateName_IsConflict()
    {
        var refused = await Assert.ThrowsAsync<BillingConflictException>(() => Billing.Tiers.CreateAsync("tier-1", Limits, AuditActor.System));

        Assert.Equal("name", refused.Parameter);
    }

    public static TheoryData<string, TierLimits, string> InvalidTiers => new()
    {
        { "ok", Limits with { RequestsPerMinute = 0 }, "requests_per_minute" },
        { "ok", Limits with { TokensPerMinute = -1 }, "tokens_per_minute" },
        { "ok", Limits with { TokensPerDay = 9_999 }, "tokens_per_day" },
        { "ok", Limits with { MonthlyTokenQuota = 0 }, "monthly_token_quota" },
        { "ok", Limits with { MaxConcurrentRequests = 0 }, "max_concurrent_requests" },
        { "ok", Limits with { WaitingRoomPriority = 101 }, "waiting_room_priority" },
        { "ok", Limits with { AllowedModels = ["a", "a"] }, "allowed_models" },
        { "ok", Limits with { AllowedModels = [" "] }, "allowed_models" },
        { "Has Spaces", Limits, "name" },
        { "", Limits, "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidTiers))]
    public async Task CreateAsync_InvalidLimits_IsInvalidNamingTheField(string name, TierLimits limits, string parameter)
    {
        var refused = await Assert.ThrowsAsync<BillingValidationException>(() => Billing.Tiers.CreateAsync(name, limits, AuditActor.System));

        Assert.Equal(parameter, refused.Parameter);
        Assert.Equal(6L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM tiers"));
    }

    [Fact]
    public async Task UpdateAsync_Tier_ReplacesLimitsAndAuditsBeforeAndAfter()
    {
        var tier1 = await Billing.Tiers.GetByNameAsync("tier-1");

        var updated = await Billing.Tiers.UpdateAsync(tier1.Id, "tier-1", tier1.Limits with { RequestsPerMinute = 600 }, AuditActor.System);

        Assert.Equal(600, (await Billing.Tiers.GetAsync(tier1.Id)).Limits.RequestsPerMinute);
        Assert.Equal(tier1.Limits.TokensPerMinute, updated.Limits.TokensPerMinute);
        var entry = Assert.Single(await Billing.AuditOfAsync(AuditEntityTypes.Tier, tier1.Id));
        Assert.Contains("\"requests_per_minute\": 500", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"requests_per_minute\": 600", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_UnknownTier_IsNotFound()
    {
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Tiers.UpdateAsync(404, "x", Limits, AuditActor.System));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Tiers.GetAsync(404));
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Tiers.GetByNameAsync("nope"));
    }
}
