using System.Text.RegularExpressions;
using Platform.Billing.Data;

namespace Platform.Billing.Tiers;

/// <summary>What makes a tier valid; the same rules are CHECK constraints in the schema.</summary>
internal static partial class TierRules
{
    public static void Validate(string? name, TierLimits limits)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw new BillingValidationException(
                "name must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.", "name");
        }

        Check.Positive(limits.RequestsPerMinute, "requests_per_minute");
        Check.Positive(limits.TokensPerMinute, "tokens_per_minute");
        Check.Positive(limits.TokensPerDay, "tokens_per_day");
        Check.Positive(limits.MaxConcurrentRequests, "max_concurrent_requests");
        if (limits.MonthlyTokenQuota is { } quota)
        {
            Check.Positive(quota, "monthly_token_quota");
        }

        if (limits.TokensPerDay < limits.TokensPerMinute)
        {
            throw new BillingValidationException("tokens_per_day must be at least tokens_per_minute.", "tokens_per_day");
        }

        if (limits.WaitingRoomPriority is < 0 or > TierLimits.MaxWaitingRoomPriority)
        {
            throw new BillingValidationException(
                $"waiting_room_priority must be between 0 and {TierLimits.MaxWaitingRoomPriority}.", "waiting_room_priority");
        }

        if (!Enum.IsDefined(limits.ModerationMode))
        {
            throw new BillingValidationException("moderation_mode must be 'off', 'flag' or 'block'.", "moderation_mode");
        }

        if (limits.AllowedModels.Any(string.IsNullOrWhiteSpace) || limits.AllowedModels.Distinct(StringComparer.Ordinal).Count() != limits.AllowedModels.Count)
        {
            throw new BillingValidationException("allowed_models must hold distinct, non-empty model names.", "allowed_models");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
