using Platform.Api.Errors;
using Platform.Billing;
using Platform.Billing.Tiers;

namespace Platform.Api.Admin;

/// <summary>
/// A tier named by its id (<c>tier_2</c>) or by its name (<c>tier-1</c>): the seeded names look like ids of other
/// tiers, so both are accepted wherever a tier is named. Names cannot contain '_', so the two never collide.
/// </summary>
internal static class TierIds
{
    public static async Task<long> ResolveAsync(TierRepository tiers, string text, string param, CancellationToken cancellationToken)
    {
        if (AdminIds.TryParse(AdminIds.Tier, text, out var id))
        {
            return id;
        }

        if (text.Length is 0 or > 64 || text.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')))
        {
            throw ApiException.InvalidValue(param, $"must be a tier id such as 'tier_2' or a tier name such as 'tier-1'; got '{text}'.");
        }

        try
        {
            return (await tiers.GetByNameAsync(text, cancellationToken)).Id;
        }
        catch (BillingNotFoundException)
        {
            throw new ApiException(StatusCodes.Status404NotFound, $"No tier has the id or name '{text}'.", "invalid_request_error", param, "not_found");
        }
    }
}
