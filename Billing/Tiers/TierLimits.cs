namespace Platform.Billing.Tiers;

/// <summary>
/// What a tier allows. <paramref name="MonthlyTokenQuota"/> null means no monthly quota; an empty
/// <paramref name="AllowedModels"/> means every model. A higher <paramref name="WaitingRoomPriority"/> (0-100) is admitted first.
/// <paramref name="ModerationMode"/> is what the moderation pass does with flagged input.
/// </summary>
public sealed record TierLimits(
    int RequestsPerMinute,
    long TokensPerMinute,
    long TokensPerDay,
    long? MonthlyTokenQuota,
    int MaxConcurrentRequests,
    int WaitingRoomPriority,
    IReadOnlyList<string> AllowedModels,
    ModerationMode ModerationMode = ModerationMode.Flag)
{
    public const int MaxWaitingRoomPriority = 100;

    public bool AllowsModel(string model) => AllowedModels.Count == 0 || AllowedModels.Contains(model, StringComparer.Ordinal);
}
