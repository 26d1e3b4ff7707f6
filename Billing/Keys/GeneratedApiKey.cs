namespace Platform.Billing.Keys;

/// <summary>A fresh secret with what is stored of it: the SHA-256 hash (lowercase hex) and the display form.</summary>
public sealed record GeneratedApiKey(string Secret, string Hash, string Display)
{
    /// <summary>Leaves the secret out, so logging this record cannot leak it.</summary>
    public override string ToString() => $"GeneratedApiKey {{ Display = {Display}, Hash = {Hash} }}";
}
