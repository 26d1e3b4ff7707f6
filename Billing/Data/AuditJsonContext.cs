using System.Text.Json.Serialization;
using Platform.Billing.Accounts;
using Platform.Billing.Budgets;
using Platform.Billing.Keys;
using Platform.Billing.Pricing;
using Platform.Billing.Tiers;

namespace Platform.Billing.Data;

/// <summary>The JSON of entities in the audit log: snake_case, as the API shows them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Organization))]
[JsonSerializable(typeof(Project))]
[JsonSerializable(typeof(Tier))]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(ModelPrice))]
[JsonSerializable(typeof(BudgetAlert))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
