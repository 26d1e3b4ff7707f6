namespace Platform.Billing;

/// <summary>Accounts, keys, tiers and usage metering arrive with the accounts issue; this marks the assembly until then.</summary>
public static class BillingAssembly;
