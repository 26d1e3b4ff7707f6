using Platform.Billing.Tiers;

namespace Platform.Billing.Data;

/// <summary>A row of <c>tiers</c>.</summary>
internal sealed class TierRow : IRow
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public int RequestsPerMinute { get; set; }

    public long TokensPerMinute { get; set; }

    public long TokensPerDay { get; set; }

    public long? MonthlyTokenQuota { get; set; }

    public int MaxConcurrentRequests { get; set; }

    public int WaitingRoomPriority { get; set; }

    public string[] AllowedModels { get; set; } = [];

    public string ModerationMode { get; set; } = "flag";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public TierLimits Limits =>
        new(RequestsPerMinute, TokensPerMinute, TokensPerDay, MonthlyTokenQuota, MaxConcurrentRequests, WaitingRoomPriority, AllowedModels,
            ModerationModes.TryParse(ModerationMode, out var mode) ? mode : Tiers.ModerationMode.Flag);

    public void Apply(TierLimits limits)
    {
        RequestsPerMinute = limits.RequestsPerMinute;
        TokensPerMinute = limits.TokensPerMinute;
        TokensPerDay = limits.TokensPerDay;
        MonthlyTokenQuota = limits.MonthlyTokenQuota;
        MaxConcurrentRequests = limits.MaxConcurrentRequests;
        WaitingRoomPriority = limits.WaitingRoomPriority;
        AllowedModels = [.. limits.AllowedModels];
        ModerationMode = limits.ModerationMode.ToText();
    }

    public Tier ToTier() => new(Id, Name, Limits, CreatedAt, UpdatedAt);
}
