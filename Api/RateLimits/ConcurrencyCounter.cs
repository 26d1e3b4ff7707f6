using System.Collections.Concurrent;

namespace Platform.Api.RateLimits;

/// <summary>Requests in flight per project on this replica, against the tier's maximum.</summary>
internal sealed class ConcurrencyCounter
{
    private readonly ConcurrentDictionary<long, int> _inFlight = new();

    public bool TryEnter(long projectId, int limit)
    {
        var now = _inFlight.AddOrUpdate(projectId, 1, (_, count) => count + 1);
        if (now <= limit)
        {
            return true;
        }

        Exit(projectId);
        return false;
    }

    public void Exit(long projectId)
    {
        // An idle project leaves no entry behind; the compare-and-remove loses to a request entering meanwhile.
        if (_inFlight.AddOrUpdate(projectId, 0, (_, count) => Math.Max(0, count - 1)) == 0)
        {
            _inFlight.TryRemove(new KeyValuePair<long, int>(projectId, 0));
        }
    }

    /// <summary>Projects with an entry: for tests that idle ones leave none.</summary>
    internal int Count => _inFlight.Count;

    public int InFlight(long projectId) => _inFlight.GetValueOrDefault(projectId);
}
