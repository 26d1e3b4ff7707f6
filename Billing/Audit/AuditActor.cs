namespace Platform.Billing.Audit;

/// <summary>Who makes an admin change: the admin key's id and display form, or the system itself.</summary>
public sealed record AuditActor(long? KeyId, string Display)
{
    /// <summary>Changes made by the platform, not through an admin key (bootstrap, tools).</summary>
    public static AuditActor System { get; } = new(null, "system");
}
