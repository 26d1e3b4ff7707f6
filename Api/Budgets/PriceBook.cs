using Platform.Billing.Pricing;

namespace Platform.Api.Budgets;

/// <summary>The price table at one moment, pricing tokens as the Costs API does: per million tokens, at the price in effect when the request started.</summary>
internal sealed class PriceBook(IReadOnlyList<ModelPrice> prices)
{
    private const decimal PerMillion = 1_000_000m;

    private readonly ILookup<string, ModelPrice> _byModel = prices.ToLookup(p => p.Model, StringComparer.Ordinal);

    public static PriceBook Empty { get; } = new([]);

    /// <summary>The cost in USD of the tokens; 0 for a model without a price in effect.</summary>
    public decimal Cost(string? model, DateTimeOffset at, long promptTokens, long cachedPromptTokens, long completionTokens)
    {
        if (model is null || PriceAt(model, at) is not { } price)
        {
            return 0m;
        }

        return (((promptTokens - cachedPromptTokens) * price.InputPerMillion)
            + (cachedPromptTokens * price.CachedInputPerMillion)
            + (completionTokens * price.OutputPerMillion)) / PerMillion;
    }

    private ModelPrice? PriceAt(string model, DateTimeOffset at) =>
        _byModel[model].Where(p => p.EffectiveFrom <= at).MaxBy(p => p.EffectiveFrom);
}
