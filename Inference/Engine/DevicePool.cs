using Platform.Inference.Models;

namespace Platform.Inference.Engine;

/// <summary>One model's sessions, one per configured device; new work goes to the device with the most free capacity.</summary>
public sealed class DevicePool : IDisposable
{
    private readonly DeviceWorker[] _workers;
    private readonly Func<long> _seedSource;

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
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<DeviceWorker> Workers => _workers;

    public DecoderSignature Signature => _workers[0].Signature;

    /// <summary>The worker with the most free capacity; ties go to the lowest device id.</summary>
    public DeviceWorker Choose()
    {
        var best = _workers[0];
        foreach (var worker in _workers)
        {
            if (worker.FreeCapacity > best.FreeCapacity)
            {
                best = worker;
            }
        }

        return best;
    }

    /// <summary>Throws <see cref="InvalidPromptException"/> or <see cref="ArgumentOutOfRangeException"/> for a request no device can run.</summary>
    public void Validate(GenerationRequest request) => _workers[0].Validate(request);

    public IAsyncEnumerable<TokenEvent> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var seed = request.Options.Seed ?? _seedSource();
        return Choose().GenerateAsync(request, seed, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }
    }
}
