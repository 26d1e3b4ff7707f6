namespace Platform.Api.Moderations;

/// <summary>
/// What the moderation pass found in a completion request, on <c>HttpContext.Features</c> for whoever records the
/// request (usage metering): whether the input or the output was flagged, the categories, and whether it was refused
/// or cut short.
/// </summary>
public sealed class ModerationOutcome
{
    private readonly Lock _lock = new();
    private readonly List<string> _categories = [];

    public bool Flagged { get; private set; }

    /// <summary>The input was refused (400 <c>content_policy_violation</c>).</summary>
    public bool Blocked { get; private set; }

    /// <summary>An output was cut short (<c>finish_reason</c> <c>content_filter</c>).</summary>
    public bool Filtered { get; private set; }

    public IReadOnlyList<string> Categories
    {
        get
        {
            lock (_lock)
            {
                return [.. _categories];
            }
        }
    }

    // Choices are checked on their own tasks, so the outcome is updated under a lock.
    internal void Add(IEnumerable<string> categories, bool blocked = false, bool filtered = false)
    {
        lock (_lock)
        {
            foreach (var category in categories)
            {
                Flagged = true;
                if (!_categories.Contains(category))
                {
                    _categories.Add(category);
                }
            }

            Blocked |= blocked;
            Filtered |= filtered;
        }
    }
}
