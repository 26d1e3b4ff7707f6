using Platform.Inference.Models;

namespace Platform.Inference.Engine;

/// <summary>
/// One model's sessions, one per configured device. Admission reserves sequence slots and KV-cache tokens (see
/// <see cref="KvAdmission"/>) on the device with the most free KV budget; a caller that did not reserve waits inside
/// the engine (FIFO) until one fits.
/// </summary>
public sealed class DevicePool : IDisposable
{
    private readonly DeviceWorker[] _workers;
    private readonly Func<long> _seedSource;
    private readonly CapacityQueue _queue;

    public DevicePool(ModelConfig config, IReadOnlyList<DeviceWorker> workers, Func<long> seedSource)
    {
        ArgumentNullException.ThrowIfNull(workers);
        if (workers.Count == 0)
        {
            throw new ArgumentException("A pool needs at least one device.", nameof(workers));
        }

        Config = config;
        _workers = [.. workers];
        _seedSource = seedSource;
        _queue = new CapacityQueue(kvTokens => TryReserve(1, kvTokens));
        foreach (var worker in _workers)
        {
            worker.Budget.Released = OnReleased;
        }
    }

    /// <summary>Raised after capacity is released (a reservation disposed, an internally admitted sequence left). Handlers must be quick and not throw.</summary>
    public event EventHandler? CapacityReleased;

    public ModelConfig Config { get; }

    public IReadOnlyList<DeviceWorker> Workers => _workers;

    public DecoderSignature Signature => _workers[0].Signature;

    public EngineLoad Load => new([.. _workers.Select(w => w.Load)], _queue.Count);

    /// <summary>The worker with the most free KV budget; ties go to the lowest device id.</summary>
    public DeviceWorker Choose()
    {
        var best = _workers[0];
        foreach (var worker in _workers)
        {
            if (Free(worker) > Free(best))
            {
                best = worker;
            }
        }

        return best;
    }

    /// <summary>
    /// Reserves <paramref name="sequences"/> slots and <paramref name="sequences"/> x <paramref name="kvTokensPerSequence"/>
    /// KV tokens on the one device with the most free KV budget that can take all of it now; null when no device can
    /// right now. Never blocks.
    /// </summary>
    public EngineReservation? TryReserve(int sequences, int kvTokensPerSequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvTokensPerSequence, 1);
        foreach (var worker in _workers.OrderByDescending(Free).ThenBy(w => w.DeviceId))
        {
            if (worker.Budget.TryReserve(sequences, kvTokensPerSequence) is { } reservation)
            {
                return reservation;
            }
        }

        return null;
    }

    /// <summary>False when no single device could ever hold it (over MaxBatchSize or MaxKvTokens of every device).</summary>
    public bool CanEverFit(int sequences, int kvTokensPerSequence) =>
        _workers.Any(w => w.Budget.CanEverFit(sequences, (long)sequences * kvTokensPerSequence));

    /// <summary>How admission counts KV tokens on this pool's devices (<c>Inference:KvAdmission</c>).</summary>
    public KvAdmission KvAdmission => _workers[0].Budget.Admission;

    /// <summary>
    /// The KV tokens admission reserves for one sequence of <paramref name="request"/>: its prompt and one growth block
    /// on demand, its prompt plus max tokens when reserving (never more than <see cref="FullKvTokensFor"/>).
    /// </summary>
    public int KvTokensFor(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return KvGrowth.AdmissionTokens(KvAdmission, request.PromptIds.Count, request.Options.MaxTokens, Config.ContextLength);
    }

    /// <summary>The KV tokens one sequence of <paramref name="request"/> can come to hold: prompt plus max tokens, within the context.</summary>
    public int FullKvTokensFor(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return KvGrowth.FullTokens(request.PromptIds.Count, request.Options.MaxTokens, Config.ContextLength);
    }

    /// <summary>Throws <see cref="InvalidPromptException"/> or <see cref="ArgumentOutOfRangeException"/> for a request no device can run.</summary>
    public void Validate(GenerationRequest request)
    {
        _workers[0].Validate(request);

        // On demand too: a sequence alone on a device must be able to grow to its end without being preempted.
        var kvTokens = FullKvTokensFor(request);
        if (!CanEverFit(1, kvTokens))
        {
            var budget = _workers.Max(w => w.Budget.MaxKvTokens);
            throw new InvalidPromptException($"Model '{Config.Name}': the request needs {kvTokens} KV-cache tokens (prompt + max tokens), more than a device's budget of {budget}.");
        }
    }

    /// <summary>
    /// Runs on the reservation's device, consuming one of its slots; no further admission wait (the capacity is
    /// already held). A null reservation behaves like <see cref="GenerateAsync(GenerationRequest, CancellationToken)"/>.
    /// </summary>
    public IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, EngineReservation? reservation, CancellationToken cancellationToken = default)
    {
        if (reservation is null)
        {
            return GenerateAsync(request, cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(request);
        var worker = _workers.FirstOrDefault(w => ReferenceEquals(w.Budget, reservation.Budget))
            ?? throw new InvalidOperationException("The reservation was made on another model's pool.");
        Validate(request);
        var kvTokens = KvTokensFor(request);
        if (kvTokens > reservation.KvTokensPerSequence)
        {
            throw new InvalidOperationException($"The request needs {kvTokens} KV tokens per sequence; the reservation holds {reservation.KvTokensPerSequence}.");
        }

        reservation.TakeSlot();
        return worker.GenerateAsync(request, Seed(request), reservation, ownsReservation: false, cancellationToken);
    }

    /// <summary>
    /// Reserves one slot and the request's admission KV tokens, waiting (FIFO, cancellable) inside the engine until they
    /// fit, and releases them when the sequence leaves.
    /// </summary>
    public IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        return Queued(request, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }
    }

    private async IAsyncEnumerable<TokenEvent> Queued(GenerationRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reservation = await _queue.ReserveAsync(KvTokensFor(request), cancellationToken).ConfigureAwait(false);
        var worker = _workers.First(w => ReferenceEquals(w.Budget, reservation.Budget));
        reservation.TakeSlot();
        await foreach (var tokenEvent in worker.GenerateAsync(request, Seed(request), reservation, ownsReservation: true, cancellationToken).ConfigureAwait(false))
        {
            yield return tokenEvent;
        }
    }

    private long Seed(GenerationRequest request) => request.Options.Seed ?? _seedSource();

    private static long Free(DeviceWorker worker) => worker.Budget.FreeKvTokens;

    private void OnReleased()
    {
        _queue.Pump();
        CapacityReleased?.Invoke(this, EventArgs.Empty);
    }
}
