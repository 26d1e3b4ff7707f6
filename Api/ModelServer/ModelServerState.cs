using Platform.Api.WaitingRoom;
using Platform.Inference.Models;

namespace Platform.Api.ModelServer;

/// <summary>One reading of the replica's load as the Model Server Protocol defines it (see <see cref="ModelServerMetrics"/>).</summary>
internal readonly record struct ModelServerState(int Queued, int Running, long ReservedKvTokens, long KvBudgetTokens)
{
    public double KvCacheUtilization => KvBudgetTokens == 0 ? 0d : Math.Min(1d, (double)ReservedKvTokens / KvBudgetTokens);

    public static ModelServerState Read(ModelRegistry registry, WaitingRooms rooms)
    {
        int queued = 0, running = 0;
        long reserved = 0, budget = 0;
        foreach (var model in registry.Models)
        {
            var load = model.Pool.Load;
            queued += load.WaitingSequences;
            running += load.RunningSequences;
            reserved += load.ReservedKvTokens;
            budget += load.MaxKvTokens;
        }

        foreach (var queue in rooms.Queues)
        {
            queued += queue.QueuedSequences;
        }

        return new ModelServerState(queued, running, reserved, budget);
    }
}
