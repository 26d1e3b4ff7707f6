using System.Text.Json;
using Platform.Billing.Moderation;

namespace Platform.Billing.Data;

/// <summary>A row of <c>moderation_events</c>; <see cref="Scores"/> is jsonb.</summary>
internal sealed class ModerationEventRow : IRow
{
    public long Id { get; set; }

    public required string RequestId { get; set; }

    public long ProjectId { get; set; }

    public long ApiKeyId { get; set; }

    public required string Model { get; set; }

    public required string Source { get; set; }

    public required string Action { get; set; }

    public string[] Categories { get; set; } = [];

    public required string Scores { get; set; }

    public string[] MatchedRules { get; set; } = [];

    public required string Excerpt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public static ModerationEventRow From(NewModerationEvent e) => new()
    {
        RequestId = e.RequestId,
        ProjectId = e.ProjectId,
        ApiKeyId = e.ApiKeyId,
        Model = e.Model,
        Source = e.Source,
        Action = e.Action,
        Categories = [.. e.Categories],
        Scores = JsonSerializer.Serialize(e.Scores, ModerationJsonContext.Default.IReadOnlyDictionaryStringDouble),
        MatchedRules = [.. e.MatchedRules],
        Excerpt = e.Excerpt.Length > NewModerationEvent.MaxExcerptLength ? e.Excerpt[..NewModerationEvent.MaxExcerptLength] : e.Excerpt,
        CreatedAt = e.CreatedAt,
    };

    public ModerationEvent ToEvent() => new(
        Id,
        RequestId,
        ProjectId,
        ApiKeyId,
        Model,
        Source,
        Action,
        Categories,
        JsonSerializer.Deserialize(Scores, ModerationJsonContext.Default.IReadOnlyDictionaryStringDouble) ?? new Dictionary<string, double>(),
        MatchedRules,
        Excerpt,
        CreatedAt);
}
