namespace Platform.Api.Metering;

/// <summary>OpenAI's <c>UsageResponse</c>: a page of time buckets.</summary>
internal sealed record UsagePage<T>(string Object, IReadOnlyList<UsageBucket<T>> Data, bool HasMore, string? NextPage);

/// <summary>OpenAI's <c>UsageTimeBucket</c>.</summary>
internal sealed record UsageBucket<T>(string Object, long StartTime, long EndTime, IReadOnlyList<T> Results);

/// <summary>OpenAI's <c>UsageCompletionsResult</c>; the grouped fields are null when not grouped by.</summary>
internal sealed record CompletionsUsageResult(
    string Object,
    long InputTokens,
    long InputCachedTokens,
    long InputUncachedTokens,
    long OutputTokens,
    long NumModelRequests,
    string? ProjectId,
    string? ApiKeyId,
    string? Model);

/// <summary>OpenAI's <c>CostsResult</c>: USD rounded to 6 decimals; quantity (tokens) only per line item.</summary>
internal sealed record CostsResult(string Object, CostAmount Amount, string? LineItem, string? ProjectId, string? ApiKeyId, decimal? Quantity, string? QuantityUnit);

internal sealed record CostAmount(decimal Value, string Currency);
