namespace Platform.Moderation;

/// <summary>OpenAI's moderation categories, in the order its responses list them.</summary>
public static class ModerationCategories
{
    public const string Harassment = "harassment";
    public const string HarassmentThreatening = "harassment/threatening";
    public const string Hate = "hate";
    public const string HateThreatening = "hate/threatening";
    public const string Illicit = "illicit";
    public const string IllicitViolent = "illicit/violent";
    public const string SelfHarm = "self-harm";
    public const string SelfHarmIntent = "self-harm/intent";
    public const string SelfHarmInstructions = "self-harm/instructions";
    public const string Sexual = "sexual";
    public const string SexualMinors = "sexual/minors";
    public const string Violence = "violence";
    public const string ViolenceGraphic = "violence/graphic";

    public static IReadOnlyList<string> All { get; } =
    [
        Harassment, HarassmentThreatening, Hate, HateThreatening, Illicit, IllicitViolent,
        SelfHarm, SelfHarmIntent, SelfHarmInstructions, Sexual, SexualMinors, Violence, ViolenceGraphic,
    ];

    /// <summary>The position of a category in <see cref="All"/>, or -1 for a name that is not one.</summary>
    public static int IndexOf(string name)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
