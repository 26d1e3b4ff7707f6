using System.Text.Json.Serialization;

namespace Platform.Billing.Data;

/// <summary>The JSON of a moderation event's scores.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, double>))]
internal sealed partial class ModerationJsonContext : JsonSerializerContext;
