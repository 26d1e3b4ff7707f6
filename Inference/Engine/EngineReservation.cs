namespace Platform.Inference.Engine;

/// <summary>
/// Engine capacity held for one request: sequence slots and KV-cache tokens on one device, from admission until
/// disposed. Each sequence started with it takes a slot and, when it reaches the device, its share of the tokens
/// (<see cref="KvTokensPerSequence"/>), which it then grows and gives back itself. The slots, and the tokens of any
/// sequence that never started, return on <see cref="Dispose"/>, so a response with several choices keeps its slots
/// until the whole response has ended.
/// </summary>
public sealed class EngineReservation : IDisposable
{
    private readonly DeviceBudget _budget;
    private readonly Lock _lock = new();
    private int _taken;
    private int _handedOver;
    private int _disposed;

    internal EngineReservation(DeviceBudget budget, int sequences, int kvTokensPerSequence)
    {
        _budget = budget;
        Sequences = sequences;
        KvTokensPerSequence = kvTokensPerSequence;
        KvTokens = (long)sequences * kvTokensPerSequence;
    }

    public int DeviceId => _budget.DeviceId;

    /// <summary>Sequence slots reserved.</summary>
    public int Sequences { get; }

    /// <summary>KV tokens admitted for each sequence (see <see cref="KvAdmission"/>).</summary>
    public int KvTokensPerSequence { get; }

    /// <summary>Total KV tokens admitted: <see cref="Sequences"/> x <see cref="KvTokensPerSequence"/>.</summary>
    public long KvTokens { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal DeviceBudget Budget => _budget;

    /// <summary>Releases the slots and the tokens no sequence took (once), and raises <see cref="DevicePool.CapacityReleased"/>.</summary>
    public void Dispose()
    {
        int untaken;
        lock (_lock)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
            untaken = Sequences - _handedOver;
        }

        _budget.Release(Sequences, (long)untaken * KvTokensPerSequence);
    }

    /// <summary>Takes one slot for a sequence; more sequences than reserved is a caller's bug.</summary>
    internal void TakeSlot()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Interlocked.Increment(ref _taken) > Sequences)
        {
            Interlocked.Decrement(ref _taken);
            throw new InvalidOperationException($"The reservation holds {Sequences} sequence slot(s), and all are taken.");
        }
    }

    /// <summary>A started sequence takes its share of the tokens: from now on it holds them, and gives them back itself.</summary>
    internal KvHold HandOver()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_handedOver >= Sequences)
            {
                throw new InvalidOperationException($"The reservation's {Sequences} sequence share(s) are all handed over.");
            }

            _handedOver++;
        }

        return new KvHold(_budget, KvTokensPerSequence);
    }
}
