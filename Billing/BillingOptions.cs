using Microsoft.Extensions.Configuration;

namespace Platform.Billing;

/// <summary>Where the platform's database is. Bound from the root of configuration; validated at start-up.</summary>
public sealed class BillingOptions
{
    /// <summary>An Npgsql connection string, from <c>ConnectionStrings:Platform</c> (<c>ConnectionStrings__Platform</c> in the environment).</summary>
    [ConfigurationKeyName("ConnectionStrings:Platform")]
    public string? ConnectionString { get; init; }
}
