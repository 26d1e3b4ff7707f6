using Platform.Moderation;

namespace Platform.Api.Moderations;

// Response shapes: POST /v1/moderations (CreateModerationResponse) and a chat completion's `moderation` object
// (ChatCompletionModeration), as in the official OpenAI specification.

/// <summary>One input's result. <c>matched_rules</c> is ours: which rules (or labels) produced the scores.</summary>
internal sealed record ModerationResultResponse(
    bool Flagged,
    IReadOnlyDictionary<string, bool> Categories,
    IReadOnlyDictionary<string, double> CategoryScores,
    IReadOnlyDictionary<string, IReadOnlyList<string>> CategoryAppliedInputTypes,
    IReadOnlyList<string> MatchedRules)
{
    private static readonly IReadOnlyList<string> Text = ["text"];

    public static ModerationResultResponse From(ModerationResult result) => new(
        result.Flagged,
        ModerationCategories.All.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => result.Flags[x.i], StringComparer.Ordinal),
        ModerationCategories.All.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => result.Scores[x.i], StringComparer.Ordinal),
        ModerationCategories.All.ToDictionary(c => c, _ => Text, StringComparer.Ordinal),
        result.Matched);
}

internal sealed record ModerationResponse(string Id, string Model, IReadOnlyList<ModerationResultResponse> Results);

/// <summary><c>ModerationResultBody</c>: a result inside a chat completion's moderation object.</summary>
internal sealed record ModerationResultBody(
    string Type,
    string Model,
    bool Flagged,
    IReadOnlyDictionary<string, bool> Categories,
    IReadOnlyDictionary<string, double> CategoryScores,
    IReadOnlyDictionary<string, IReadOnlyList<string>> CategoryAppliedInputTypes)
{
    public static ModerationResultBody From(string model, ModerationResult result)
    {
        var r = ModerationResultResponse.From(result);
        return new("moderation_result", model, r.Flagged, r.Categories, r.CategoryScores, r.CategoryAppliedInputTypes);
    }
}

/// <summary><c>ChatCompletionModerationResults</c>.</summary>
internal sealed record ChatCompletionModerationResults(string Type, string Model, IReadOnlyList<ModerationResultBody> Results);

/// <summary><c>ChatCompletionModeration</c>: results for the request's input and for the generated output (one per choice).</summary>
internal sealed record ChatCompletionModeration(ChatCompletionModerationResults Input, ChatCompletionModerationResults Output);
