using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;
using Platform.Billing.Data;

namespace Platform.Billing.Pricing;

/// <summary>
/// Model prices over time. A change of price is a new row from a later instant, so usage already billed keeps the
/// price it had; only a price not yet in effect may be corrected. Every change is audited.
/// </summary>
public sealed class ModelPriceRepository
{
    /// <summary>numeric(18,6): whole dollars below 10^12, at most six decimals.</summary>
    private const decimal MaxPrice = 999_999_999_999.999999m;
    private const int MaxScale = 6;

    private readonly BillingDatabase _database;

    internal ModelPriceRepository(BillingDatabase database) => _database = database;

    public Task<ModelPrice> CreateAsync(ModelPriceDefinition price, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Validate(price);
        return _database.ChangeAsync(actor, async change =>
        {
            var row = new ModelPriceRow { Model = price.Model, CreatedAt = change.Now };
            row.Apply(price);
            change.Db.ModelPrices.Add(row);
            await change.SaveAsync();
            var created = row.ToModelPrice();
            change.Record(AuditActions.Create, AuditEntityTypes.ModelPrice, row.Id, null, created);
            return created;
        }, cancellationToken);
    }

    public async Task<ModelPrice> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.ModelPrices.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        return row?.ToModelPrice() ?? throw Check.NotFound("model price", id);
    }

    /// <summary>All prices, or one model's, past and scheduled, in id order.</summary>
    public async Task<Page<ModelPrice>> ListAsync(PageRequest page, string? model = null, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var prices = model is null ? db.ModelPrices : db.ModelPrices.Where(p => p.Model == model);
        return await prices.ToPageAsync(page, p => p.ToModelPrice(), cancellationToken);
    }

    /// <summary>The price of <paramref name="model"/> in effect at <paramref name="at"/>; null when it had none.</summary>
    public async Task<ModelPrice?> GetEffectiveAsync(string model, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.ModelPrices.AsNoTracking()
            .Where(p => p.Model == model && p.EffectiveFrom <= at)
            .OrderByDescending(p => p.EffectiveFrom)
            .FirstOrDefaultAsync(cancellationToken);
        return row?.ToModelPrice();
    }

    /// <summary>Corrects a scheduled price; a price already in effect is history and is refused (add a new one).</summary>
    public Task<ModelPrice> UpdateAsync(long id, ModelPriceDefinition price, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Validate(price);
        return _database.ChangeAsync(actor, async change =>
        {
            var row = await change.LockAsync<ModelPriceRow>(id) ?? throw Check.NotFound("model price", id);
            if (row.EffectiveFrom <= change.Now)
            {
                throw new BillingConflictException(
                    "This price is already in effect and is never changed; add a new price with a later effective_from.", "id");
            }

            if (price.EffectiveFrom <= change.Now)
            {
                throw new BillingValidationException("A corrected price must still take effect in the future.", "effective_from");
            }

            var before = row.ToModelPrice();
            row.Apply(price);
            await change.SaveAsync();
            var after = row.ToModelPrice();
            change.Record(AuditActions.Update, AuditEntityTypes.ModelPrice, id, before, after);
            return after;
        }, cancellationToken);
    }

    private static void Validate(ModelPriceDefinition price)
    {
        Check.Name(price.Model, "model");
        Amount(price.InputPerMillion, "input_per_million");
        Amount(price.CachedInputPerMillion, "cached_input_per_million");
        Amount(price.OutputPerMillion, "output_per_million");
    }

    private static void Amount(decimal value, string parameter)
    {
        if (value < 0 || value > MaxPrice || (value.Scale > MaxScale && decimal.Round(value, MaxScale) != value))
        {
            throw new BillingValidationException($"{parameter} must be between 0 and {MaxPrice} with at most {MaxScale} decimals.", parameter);
        }
    }
}
