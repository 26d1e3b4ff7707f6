namespace Platform.Billing.Keys;

/// <summary>
/// What a key may do: call the model endpoints (<c>inference</c>), administer its own organization (<c>admin</c>),
/// or operate the whole platform (<c>owner</c>: organizations, tiers, prices and every organization's data).
/// </summary>
public static class ApiKeyScopes
{
    public const string Inference = "inference";
    public const string Admin = "admin";
    public const string Owner = "owner";

    public static IReadOnlyList<string> All { get; } = [Inference, Admin, Owner];
}
