using System.ComponentModel.DataAnnotations;

namespace Platform.Billing.Metering;

/// <summary>The usage-metering pipeline (<c>Metering</c> section); validated at start-up.</summary>
public sealed class MeteringOptions
{
    public const string SectionName = "Metering";

    /// <summary>Events waiting for the writer; when full, a request waits for the writer (which spools rather than waits on Postgres).</summary>
    [Range(1_000, 10_000_000)]
    public int QueueCapacity { get; init; } = 200_000;

    /// <summary>A batch is written when it holds this many events, or <see cref="FlushIntervalMs"/> after its first event.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; init; } = 5_000;

    [Range(1, 60_000)]
    public int FlushIntervalMs { get; init; } = 200;

    /// <summary>A batch Postgres has not taken within this time goes to the spool instead.</summary>
    [Range(100, 600_000)]
    public int WriteTimeoutMs { get; init; } = 5_000;

    /// <summary>How often the spool is offered to Postgres again while it holds events.</summary>
    [Range(10, 600_000)]
    public int ReplayIntervalMs { get; init; } = 1_000;

    /// <summary>
    /// How often the journal (where each event is written, without fsync, before its response ends) is fsynced:
    /// the window of events a power loss can take, when they are not yet in Postgres. A killed process loses none.
    /// </summary>
    [Range(10, 60_000)]
    public int JournalFsyncIntervalMs { get; init; } = 1_000;

    /// <summary>
    /// Where batches go while Postgres is unreachable (relative to the working directory). Each database gets a
    /// folder of its own under it, and each running instance a locked slot in that folder.
    /// </summary>
    [Required]
    public string SpoolDirectory { get; init; } = Path.Combine(".data", "metering-spool");
}
