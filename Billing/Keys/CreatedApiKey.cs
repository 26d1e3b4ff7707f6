namespace Platform.Billing.Keys;

/// <summary>A key just made, with its secret: the only time the secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret)
{
    /// <summary>Leaves the secret out, so logging this record cannot leak it.</summary>
    public override string ToString() => $"CreatedApiKey {{ Key = {Key} }}";
}
