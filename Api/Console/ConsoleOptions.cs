using System.ComponentModel.DataAnnotations;

namespace Platform.Api.WebConsole;

/// <summary>The web console's sessions (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>A session unused for this long ends.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, used or not.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>Sessions held at once by one replica; the oldest go first past it.</summary>
    [Range(1, 1_000_000)]
    public int MaxSessions { get; init; } = 10_000;
}
