using System.Diagnostics;

namespace Platform.Api.Metering;

/// <summary>
/// The billable facts of one /v1 request, filled in by the code that serves it and recorded as a usage event when
/// the request ends, whatever the outcome. Absent outside /v1.
/// </summary>
internal sealed class UsageFeature(long startedTimestamp, DateTimeOffset startedAt)
{
    public long StartedTimestamp { get; } = startedTimestamp;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public string? Model { get; set; }

    public int PromptTokens { get; set; }

    public int CachedPromptTokens { get; set; }

    /// <summary>Tokens actually generated, also when the client left early.</summary>
    public int CompletionTokens { get; set; }

    public TimeSpan? TimeToFirstToken { get; set; }

    public string? FinishReason { get; set; }

    public bool Streamed { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>Not recorded: a request the authentication-failure limit turned away, so a flood costs no database writes.</summary>
    public bool Unmetered { get; set; }

    public void MarkFirstToken() => TimeToFirstToken ??= Stopwatch.GetElapsedTime(StartedTimestamp);
}

internal static class UsageFeatureExtensions
{
    /// <summary>This request's usage, when it is metered (every /v1 request is).</summary>
    public static UsageFeature? Usage(this HttpContext context) => context.Features.Get<UsageFeature>();
}
