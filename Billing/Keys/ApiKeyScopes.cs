namespace Platform.Billing.Keys;

/// <summary>What a key may do: call the model endpoints, the admin API, or both.</summary>
public static class ApiKeyScopes
{
    public const string Inference = "inference";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Inference, Admin];
}
