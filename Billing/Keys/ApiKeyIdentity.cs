using Platform.Billing.Accounts;
using Platform.Billing.Tiers;

namespace Platform.Billing.Keys;

/// <summary>Everything a request needs to know about its key, read in one query: the key, its project, organization and tier.</summary>
public sealed record ApiKeyIdentity(ApiKey Key, Project Project, Organization Organization, Tier Tier)
{
    public ApiKeyStatus StatusAt(DateTimeOffset now) => Key.StatusAt(now);
}
