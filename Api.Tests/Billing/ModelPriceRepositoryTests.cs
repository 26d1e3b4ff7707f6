using Platform.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Pricing;

namespace Platform.Api.Tests.Billing;

public sealed class ModelPriceRepositoryTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task GetEffectiveAsync_PriceChange_OldUsageKeepsTheOldPrice()
    {
        var start = Billing.Clock.GetUtcNow();
        var first = await Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 0.15m, 0.075m, 0.6m, start), AuditActor.System);
        var second = await Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 0.10m, 0.05m, 0.4m, start.AddDays(30)), AuditActor.System);
        await Billing.Prices.CreateAsync(new ModelPriceDefinition("other", 9m, 9m, 9m, start), AuditActor.System);

        Assert.Null(await Billing.Prices.GetEffectiveAsync("m", start.AddTicks(-10)));
        Assert.Equal(first, await Billing.Prices.GetEffectiveAsync("m", start));
        Assert.Equal(first, await Billing.Prices.GetEffectiveAsync("m", start.AddDays(29)));
        Assert.Equal(second, await Billing.Prices.GetEffectiveAsync("m", start.AddDays(30)));
        Assert.Equal(0.6m, first.OutputPerMillion);
        Assert.Equal(2, (await Billing.Prices.ListAsync(new PageRequest(), "m")).Items.Count);
        Assert.Equal(3, (await Billing.Prices.ListAsync(new PageRequest())).Items.Count);
    }

    [Fact]
    public async Task UpdateAsync_PriceInEffect_IsConflict()
    {
        var price = await Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 1m, 1m, 1m, Billing.Clock.GetUtcNow()), AuditActor.System);

        await Assert.ThrowsAsync<BillingConflictException>(
            () => Billing.Prices.UpdateAsync(price.Id, new ModelPriceDefinition("m", 2m, 2m, 2m, Billing.Clock.GetUtcNow().AddDays(1)), AuditActor.System));

        Assert.Equal(1m, (await Billing.Prices.GetAsync(price.Id)).InputPerMillion);
    }

    [Fact]
    public async Task UpdateAsync_ScheduledPrice_IsCorrectedAndAudited()
    {
        var when = Billing.Clock.GetUtcNow().AddDays(7);
        var price = await Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 1m, 1m, 1m, when), AuditActor.System);

        var corrected = await Billing.Prices.UpdateAsync(price.Id, new ModelPriceDefinition("m", 1.25m, 0.5m, 5m, when), AuditActor.System);

        Assert.Equal(1.25m, corrected.InputPerMillion);
        Assert.Equal([AuditActions.Create, AuditActions.Update], (await Billing.AuditOfAsync(AuditEntityTypes.ModelPrice, price.Id)).Select(a => a.Action));
    }

    [Fact]
    public async Task CreateAsync_SameModelAndInstant_IsConflict()
    {
        await Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 1m, 1m, 1m, Billing.Clock.GetUtcNow()), AuditActor.System);

        var refused = await Assert.ThrowsAsync<BillingConflictException>(
            () => Billing.Prices.CreateAsync(new ModelPriceDefinition("m", 2m, 2m, 2m, Billing.Clock.GetUtcNow()), AuditActor.System));

        Assert.Equal("effective_from", refused.Parameter);
    }

    [Theory]
    [InlineData(-0.01, "input_per_million")]
    [InlineData(0.0000001, "input_per_million")]
    public async Task CreateAsync_BadAmount_IsInvalid(double input, string parameter)
    {
        var refused = await Assert.ThrowsAsync<BillingValidationException>(
            () => Billing.Prices.CreateAsync(new ModelPriceDefinition("m", (decimal)input, 1m, 1m, Billing.Clock.GetUtcNow()), AuditActor.System));

        Assert.Equal(parameter, refused.Parameter);
    }

    [Fact]
    public async Task GetAndUpdateAsync_UnknownPrice_IsNotFound()
    {
        await Assert.ThrowsAsync<BillingNotFoundException>(() => Billing.Prices.GetAsync(404));
        await Assert.ThrowsAsync<BillingNotFoundException>(
            () => Billing.Prices.UpdateAsync(404, new ModelPriceDefinition("m", 1m, 1m, 1m, Billing.Clock.GetUtcNow().AddDays(1)), AuditActor.System));
    }
}
