using Platform.Billing.Pricing;

namespace Platform.Billing.Data;

/// <summary>A row of <c>model_prices</c>.</summary>
internal sealed class ModelPriceRow : IRow
{
    public long Id { get; set; }

    public required string Model { get; set; }

    public decimal InputPerMillion { get; set; }

    public decimal CachedInputPerMillion { get; set; }

    public decimal OutputPerMillion { get; set; }

    public DateTimeOffset EffectiveFrom { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public void Apply(ModelPriceDefinition definition)
    {
        Model = definition.Model;
        InputPerMillion = definition.InputPerMillion;
        CachedInputPerMillion = definition.CachedInputPerMillion;
        OutputPerMillion = definition.OutputPerMillion;
        EffectiveFrom = definition.EffectiveFrom;
    }

    public ModelPrice ToModelPrice() =>
        new(Id, Model, InputPerMillion, CachedInputPerMillion, OutputPerMillion, EffectiveFrom, CreatedAt);
}
