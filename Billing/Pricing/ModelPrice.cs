namespace Platform.Billing.Pricing;

/// <summary>A model's price in USD per million tokens from <paramref name="EffectiveFrom"/> until the next price of the same model.</summary>
public sealed record ModelPrice(
    long Id,
    string Model,
    decimal InputPerMillion,
    decimal CachedInputPerMillion,
    decimal OutputPerMillion,
    DateTimeOffset EffectiveFrom,
    DateTimeOffset CreatedAt);

/// <summary>A price to add (or a scheduled one to correct).</summary>
public sealed record ModelPriceDefinition(
    string Model,
    decimal InputPerMillion,
    decimal CachedInputPerMillion,
    decimal OutputPerMillion,
    DateTimeOffset EffectiveFrom);
