using Platform.Inference.Engine;

namespace Platform.Api.WaitingRoom;

/// <summary>
/// The waiting room of one model's device pool: tickets ordered by tier priority, then arrival. Whenever capacity
/// is released, and whenever a ticket arrives, tickets are admitted from the head while the pool can reserve for
/// them. The head blocks those behind it (a large request is not starved by small ones), except that a free-tier
/// ticket held back by the paid share lets the tickets behind it pass.
/// </summary>
internal sealed class ModelQueue : IDisposable
{
    private readonly SortedSet<QueueTicket> _tickets = new(QueueTicketOrder.Instance);
    private readonly Dictionary<string, int> _perProject = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly DevicePool _pool;
    private readonly WaitingRoomOptions _options;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _arrivals;
    private double _holdSeconds;
    private bool _closed;

    public ModelQueue(string model, DevicePool pool, WaitingRoomOptions options)
    {
        Model = model;
        _pool = pool;
        _options = options;
        _pool.CapacityReleased += OnCapacityReleased;
    }

    public string Model { get; }

    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _tickets.Count;
            }
        }
    }

    /// <summary>Sequences (choices) the queued requests will run: the waiting room's part of the Model Server Protocol's queue.</summary>
    public int QueuedSequences
    {
        get
        {
            lock (_lock)
            {
                return _tickets.Sum(t => t.Sequences);
            }
        }
    }

    /// <summary>Completes at the next change of the queue (an admission or a departure), so waiters can re-read their position.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    public long NextArrival() => Interlocked.Increment(ref _arrivals);

    /// <summary>Adds the ticket and admits what fits; a ticket that must wait but may not is taken out again.</summary>
    public EntryOutcome Enter(QueueTicket ticket, out int position, out TimeSpan estimatedWait)
    {
        lock (_lock)
        {
            position = 0;
            estimatedWait = TimeSpan.Zero;
            if (_closed)
            {
                return EntryOutcome.Draining;
            }

            _tickets.Add(ticket);
            _perProject[ticket.Project] = _perProject.GetValueOrDefault(ticket.Project) + 1;
            Pump();
            if (ticket.Admitted.IsCompleted)
            {
                return EntryOutcome.Admitted;
            }

            // Who is behind the newcomer changes neither its position nor its estimate, so it is judged first: only a
            // newcomer that stays may push the last in line out of a full queue.
            position = PositionOf(ticket);
            estimatedWait = Estimate(ticket);
            var full = _tickets.Count > _options.MaxQueueSize;
            var last = _tickets.Max;
            var outcome = full && last == ticket ? EntryOutcome.QueueFull
                : _perProject[ticket.Project] > _options.MaxQueuedPerProject ? EntryOutcome.ProjectQueueFull
                : estimatedWait > _options.MaxWait ? EntryOutcome.EstimatedWaitTooLong
                : EntryOutcome.Queued;
            if (outcome != EntryOutcome.Queued)
            {
                Remove(ticket);
                Pump();
            }
            else if (full && last is not null)
            {
                // Full: the newcomer outranks the last in line, who makes room (and hears 503 queue_full).
                Remove(last);
                last.Evict();
            }

            return outcome;
        }
    }

    /// <summary>The replica drains: every waiting ticket is turned away at once, and the queue takes no new ones.</summary>
    public void RefuseAll()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var ticket in _tickets.ToList())
            {
                Remove(ticket, notify: false);
                ticket.Refuse(new ServerDrainingException());
            }

            Notify();
        }
    }

    /// <summary>Takes a waiting ticket out (it gave up or timed out); false when it was admitted or evicted meanwhile.</summary>
    public bool Leave(QueueTicket ticket)
    {
        lock (_lock)
        {
            if (ticket.Admitted.IsCompleted)
            {
                return false;
            }

            Remove(ticket);

            // A head that did not fit held back the tickets behind it; with it gone they may fit in what is already
            // free, and no release may come to pump for them.
            Pump();
            return true;
        }
    }

    /// <summary>1-based place in the queue; 0 once it has left.</summary>
    public int PositionOf(QueueTicket ticket)
    {
        lock (_lock)
        {
            if (!_tickets.Contains(ticket))
            {
                return 0;
            }

            return _tickets.GetViewBetween(_tickets.Min!, ticket).Count;
        }
    }

    /// <summary>
    /// The wait of a queued ticket: the sequences ahead of it (its own included, and the engine's preempted ones,
    /// which take freed KV memory before any admission) leave at the pace of the admitted ones, each holding its
    /// capacity for about the recent average of a request's time in the engine. On-demand KV admission lets more
    /// sequences in at once, and the pace follows from that count.
    /// </summary>
    public TimeSpan Estimate(QueueTicket ticket)
    {
        lock (_lock)
        {
            if (!_tickets.Contains(ticket) || _holdSeconds <= 0)
            {
                return TimeSpan.Zero;
            }

            var load = _pool.Load;
            var ahead = _tickets.GetViewBetween(_tickets.Min!, ticket).Sum(t => t.Sequences) + load.PreemptedSequences;
            var concurrency = Math.Max(1, load.ReservedSequences);
            return TimeSpan.FromSeconds(ahead * _holdSeconds / concurrency);
        }
    }

    /// <summary>When the whole queue would have gone at the recent pace: what a turned-away request is told to wait (Retry-After).</summary>
    public TimeSpan EstimateTail()
    {
        lock (_lock)
        {
            var load = _pool.Load;
            var sequences = _tickets.Sum(t => t.Sequences) + load.PreemptedSequences;
            return _holdSeconds <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(sequences * _holdSeconds / Math.Max(1, load.ReservedSequences));
        }
    }

    /// <summary>How long an admitted request held its capacity: the basis of the wait estimate (a moving average).</summary>
    public void RecordHold(TimeSpan held)
    {
        lock (_lock)
        {
            _holdSeconds = _holdSeconds <= 0 ? held.TotalSeconds : (0.8 * _holdSeconds) + (0.2 * held.TotalSeconds);
        }
    }

    public void Dispose() => _pool.CapacityReleased -= OnCapacityReleased;

    private void OnCapacityReleased(object? sender, EventArgs e)
    {
        lock (_lock)
        {
            Pump();
        }
    }

    private void Pump()
    {
        var admitted = false;
        foreach (var ticket in _tickets.ToList())
        {
            if (ticket.Free && !FreeShareAllows(ticket))
            {
                continue;
            }

            if (_pool.TryReserve(ticket.Sequences, ticket.KvTokensPerSequence) is not { } reservation)
            {
                break;
            }

            Remove(ticket, notify: false);
            ticket.Admit(reservation);
            admitted = true;
        }

        if (admitted)
        {
            Notify();
        }
    }

    private bool FreeShareAllows(QueueTicket ticket)
    {
        var load = _pool.Load;
        var share = 1 - _options.PaidReservedShare;
        var slots = load.Devices.Sum(d => d.MaxBatchSize) * share;
        var kvTokens = load.MaxKvTokens * share;
        // Cached blocks are evictable, so they do not count here; promises to preempted sequences do.
        return load.ReservedSequences + ticket.Sequences <= slots && load.ReservedKvTokens + load.PendingKvTokens + ticket.KvTokens <= kvTokens;
    }

    private void Remove(QueueTicket ticket, bool notify = true)
    {
        if (!_tickets.Remove(ticket))
        {
            return;
        }

        var left = _perProject[ticket.Project] - 1;
        if (left == 0)
        {
            _perProject.Remove(ticket.Project);
        }
        else
        {
            _perProject[ticket.Project] = left;
        }

        if (notify)
        {
            Notify();
        }
    }

    private void Notify()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }
}
