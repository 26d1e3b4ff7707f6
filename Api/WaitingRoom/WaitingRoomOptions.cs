using System.ComponentModel.DataAnnotations;

namespace Platform.Api.WaitingRoom;

/// <summary>The <c>WaitingRoom</c> configuration section.</summary>
internal sealed class WaitingRoomOptions : IValidatableObject
{
    public const string SectionName = "WaitingRoom";

    /// <summary>Requests that may wait for one model at once; the next one is turned away with 503.</summary>
    [Range(0, 1_000_000)]
    public int MaxQueueSize { get; init; } = 1_000;

    /// <summary>Requests one project may have waiting at once, so one busy project cannot fill the queue.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedPerProject { get; init; } = 100;

    /// <summary>Longest wait: a request whose estimated wait is longer is turned away at once, and one that has waited this long is turned away then.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of each model's capacity (sequence slots and KV tokens) that free-tier requests may not use, kept for paid tiers.</summary>
    [Range(0.0, 1.0)]
    public double PaidReservedShare { get; init; } = 0.25;

    /// <summary>Tiers whose <c>waiting_room_priority</c> is at most this count as free tiers (the seeded <c>free</c> tier has 0).</summary>
    [Range(-1, 100)]
    public int FreeTierMaxPriority { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxWait <= TimeSpan.Zero || MaxWait > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("WaitingRoom:MaxWait must be more than 0 and at most 1 hour (e.g. 00:00:30).", [nameof(MaxWait)]);
        }
    }
}
