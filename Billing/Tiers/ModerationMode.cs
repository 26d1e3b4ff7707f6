using System.Text.Json.Serialization;

namespace Platform.Billing.Tiers;

/// <summary>What the moderation pass does with a tier's flagged input: nothing, record it, or refuse the request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModerationMode>))]
public enum ModerationMode
{
    [JsonStringEnumMemberName("off")]
    Off,

    [JsonStringEnumMemberName("flag")]
    Flag,

    [JsonStringEnumMemberName("block")]
    Block,
}

/// <summary>The modes' names as the schema and the API spell them.</summary>
public static class ModerationModes
{
    public static string ToText(this ModerationMode mode) => mode switch
    {
        ModerationMode.Off => "off",
        ModerationMode.Block => "block",
        _ => "flag",
    };

    public static bool TryParse(string? text, out ModerationMode mode)
    {
        (var ok, mode) = text switch
        {
            "off" => (true, ModerationMode.Off),
            "flag" => (true, ModerationMode.Flag),
            "block" => (true, ModerationMode.Block),
            _ => (false, ModerationMode.Flag),
        };
        return ok;
    }
}
