namespace Platform.Inference.Engine;

/// <summary>
/// Callers that did not reserve capacity themselves wait here, first come first served, until some device can
/// take their sequence. Strict FIFO: a large request at the head is not overtaken by smaller ones behind it.
/// </summary>
internal sealed class CapacityQueue(Func<int, EngineReservation?> tryReserve)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>A reservation of one sequence and <paramref name="kvTokens"/>, at once when nobody waits and it fits.</summary>
    public async ValueTask<EngineReservation> ReserveAsync(int kvTokens, CancellationToken cancellationToken)
    {
        LinkedListNode<Waiter> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && tryReserve(kvTokens) is { } now)
            {
                return now;
            }

            node = _waiters.AddLast(new Waiter(kvTokens));
        }

        await using var registration = cancellationToken.Register(() => Cancel(node, cancellationToken)).ConfigureAwait(false);
        return await node.Value.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Hands freed capacity to the waiters in arrival order, until the head does not fit.</summary>
    public void Pump()
    {
        List<EngineReservation>? orphaned = null;
        lock (_lock)
        {
            while (_waiters.First is { } head && tryReserve(head.Value.KvTokens) is { } reservation)
            {
                _waiters.RemoveFirst();
                if (!head.Value.Completion.TrySetResult(reservation))
                {
                    (orphaned ??= []).Add(reservation);
                }
            }
        }

        // Released outside the lock: releasing pumps again.
        orphaned?.ForEach(r => r.Dispose());
    }

    private void Cancel(LinkedListNode<Waiter> node, CancellationToken cancellationToken)
    {
        var wasHead = false;
        lock (_lock)
        {
            if (node.List is not null)
            {
                wasHead = _waiters.First == node;
                _waiters.Remove(node);
            }
        }

        node.Value.Completion.TrySetCanceled(cancellationToken);
        if (wasHead)
        {
            // The next waiter may fit where the cancelled head did not.
            Pump();
        }
    }

    private sealed class Waiter(int kvTokens)
    {
        public int KvTokens { get; } = kvTokens;

        public TaskCompletionSource<EngineReservation> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
