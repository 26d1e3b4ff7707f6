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

    public WaitingRooms(IOptions<WaitingRoomOptions> options, TimeProvider time, IMeterFactory meterFactory, ModelRegistry registry)
    {
        Options = options.Value;
        Time = time;
        // Every served model reports its depth, 0 before its first queued request, so dashboards see each series from the start.
        Metrics = new WaitingRoomMetrics(meterFactory, () => registry.Models.Select(m => (m.Name, _queues.TryGetValue(m.Name, out var q) ? q.Depth : 0)));
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
