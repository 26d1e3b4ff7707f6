using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.WaitingRoom;
using Platform.Inference.Models;

namespace Platform.Api.Admin;

/// <summary>
/// <c>GET /admin/engine</c>: a small JSON view of what <c>/metrics</c> also shows, per model and device (provider,
/// batch, KV cache, waiting room), plus the models that failed to load. For dashboards such as the console's status page.
/// </summary>
internal static class EngineAdminEndpoints
{
    public static IEndpointRouteBuilder MapEngineAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/engine", Get);
        return routes;
    }

    internal static Ok<EngineStatus> Get(ModelRegistry registry, WaitingRooms rooms, TimeProvider time)
    {
        var depths = rooms.Queues.ToDictionary(q => q.Model, q => q.Depth, StringComparer.Ordinal);
        var models = registry.Models.Select(m => new EngineModelStatus(
            m.Name,
            m.ExecutionProvider,
            depths.GetValueOrDefault(m.Name),
            m.Pool.Load.QueuedSequences,
            [.. m.Pool.Workers.Select(w =>
            {
                var load = w.Load;
                return new EngineDeviceStatus(
                    w.DeviceId,
                    w.ExecutionProvider,
                    w.LastBatchSize,
                    load.RunningSequences,
                    load.WaitingSequences,
                    load.MaxBatchSize,
                    load.ReservedKvTokens,
                    load.UsedKvTokens,
                    load.MaxKvTokens,
                    load.MaxKvTokens == 0 ? 0 : (double)load.ReservedKvTokens / load.MaxKvTokens);
            })]));
        return TypedResults.Ok(new EngineStatus(
            "engine.status",
            time.GetUtcNow().ToUnixTimeSeconds(),
            registry.LoadingFinished,
            [.. models],
            [.. registry.Failures.Select(f => new EngineModelFailure(f.Name, f.Error))]));
    }
}

internal sealed record EngineStatus(string Object, long CreatedAt, bool LoadingFinished, IReadOnlyList<EngineModelStatus> Models, IReadOnlyList<EngineModelFailure> Failures);

/// <summary>One served model: its provider, waiting-room depth, sequences waiting in the engine for a device, and its devices.</summary>
internal sealed record EngineModelStatus(string Id, string Provider, int WaitingRoomDepth, int QueuedSequences, IReadOnlyList<EngineDeviceStatus> Devices);

internal sealed record EngineDeviceStatus(
    int Device,
    string Provider,
    int BatchSize,
    int RunningSequences,
    int WaitingSequences,
    int MaxBatchSize,
    long KvReservedTokens,
    long KvUsedTokens,
    long KvBudgetTokens,
    double KvUtilization);

internal sealed record EngineModelFailure(string Id, string Error);
