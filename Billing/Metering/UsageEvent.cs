namespace Platform.Billing.Metering;

/// <summary>
/// One /v1 request as billed: who made it, what it used and how it ended. <paramref name="EventId"/> is made by the
/// server and is the idempotency key (with <paramref name="OccurredAt"/>, the partition key), so a replayed event is
/// stored once; <paramref name="RequestId"/> is what the client saw in <c>x-request-id</c>.
/// </summary>
public sealed record UsageEvent(
    Guid EventId,
    DateTimeOffset OccurredAt,
    string RequestId,
    long? OrganizationId,
    long? ProjectId,
    long? ApiKeyId,
    string? Model,
    string Endpoint,
    int StatusCode,
    int PromptTokens,
    int CachedPromptTokens,
    int CompletionTokens,
    TimeSpan? TimeToFirstToken,
    TimeSpan Duration,
    string? FinishReason,
    bool ModerationFlagged,
    bool Streamed,
    bool Cancelled,
    string? ClientRequestId = null)
{
    /// <summary>When the event was complete (the request ended): the writer's lag is measured from here.</summary>
    public DateTimeOffset EndedAt => OccurredAt + Duration;
}
