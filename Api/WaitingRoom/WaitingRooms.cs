using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Platform.Inference.Models;

namespace Platform.Api.WaitingRoom;

/// <summary>
/// The virtual waiting room in front of the engine: one <see cref="ModelQueue"/> per model, made on first use.
/// Requests enter after every other check (limits, moderation) and before any response byte is written.
/// </summary>
internal sealed class WaitingRooms : IDisposable
{
    private readonly ConcurrentDictionary<string, ModelQueue> _queues = new(StringComparer.Ordinal);

    public WaitingRooms(IOptions<WaitingRoomOptions> options, TimeProvider time, IMeterFactory meterFactory)
    {
        Options = options.Value;
        Time = time;
        Metrics = new WaitingRoomMetrics(meterFactory, () => _queues.Values);
    }

    public WaitingRoomOptions Options { get; }

    public TimeProvider Time { get; }

    public WaitingRoomMetrics Metrics { get; }

    public IEnumerable<ModelQueue> Queues => _queues.Values;

    public ModelQueue QueueFor(LoadedModel model) =>
        _queues.GetOrAdd(model.Name, (_, m) => new ModelQueue(m.Name, m.Pool, Options), model);

    public void Dispose()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }
}
