namespace Platform.Inference.Engine;

/// <summary>
/// The KV-cache tokens one sequence holds on its device's budget: its admission share, then every block it grew by.
/// Only the device's loop touches it once the sequence has arrived there.
/// </summary>
internal sealed class KvHold(DeviceBudget budget, long tokens)
{
    public long Tokens { get; private set; } = tokens;

    public DeviceBudget Budget { get; } = budget;

    /// <summary>Takes <paramref name="more"/> tokens if the budget has them and <paramref name="headroom"/> besides (or regardless, when forced).</summary>
    public bool TryGrow(long more, long headroom = 0, bool force = false)
    {
        if (!Budget.TryTake(more, headroom, force))
        {
            return false;
        }

        Tokens += more;
        return true;
    }

    /// <summary>Gives every token back (the sequence left, or was preempted); holding nothing is a no-op.</summary>
    public void Release()
    {
        var tokens = Tokens;
        Tokens = 0;
        Budget.Release(0, tokens);
    }
}
