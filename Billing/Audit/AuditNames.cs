namespace Platform.Billing.Audit;

/// <summary>The actions recorded in the audit log.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Revoke = "revoke";
    public const string Rotate = "rotate";

    /// <summary>A project's spend reached the alert ratio of its monthly budget (written by the system, once a month).</summary>
    public const string BudgetAlert = "budget_alert";
}

/// <summary>The entity types recorded in the audit log.</summary>
public static class AuditEntityTypes
{
    public const string Organization = "organization";
    public const string Project = "project";
    public const string Tier = "tier";
    public const string ApiKey = "api_key";
    public const string ModelPrice = "model_price";
}
