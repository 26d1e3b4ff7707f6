using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Lifecycle;
using Platform.Api.RateLimits;
using Platform.Billing.Metering;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Api.Health;

/// <summary>Liveness (<c>/healthz</c>: the process is up) and readiness (<c>/readyz</c>: models are loaded and the replica is not draining, and where they run).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", Live).ExcludeFromDescription();
        routes.MapGet("/readyz", Ready).ExcludeFromDescription();
        return routes;
    }

    internal static Ok<LiveResponse> Live() => TypedResults.Ok(new LiveResponse("ok"));

    internal static JsonHttpResult<ReadyResponse> Ready(ModelRegistry registry, HttpContext context)
    {
        var models = registry.Models.Select(m => new ModelHealth(
            m.Name,
            "ready",
            m.ExecutionProvider,
            [.. m.Pool.Workers.Select(w => new DeviceHealth(w.DeviceId, w.ExecutionProvider, w.Active, w.Capacity))],
            null)).ToList();
        models.AddRange(registry.Failures.Select(f => new ModelHealth(f.Name, "failed", null, [], f.Error)));
        // A draining replica must drop out of the gateway's endpoints at once, whatever else holds.
        var draining = context.RequestServices.GetService<Drain>()?.IsDraining ?? false;
        var ready = !draining && registry.LoadingFinished && registry.Models.Count > 0;
        var status = ready ? "ready" : draining ? "draining" : registry.LoadingFinished ? "no_models" : "loading";
        var runtime = registry.Runtime is { } r && registry.ExecutionProvider is { } choice
            ? new RuntimeHealth(r.Version, OrtRuntime.BuildFlavor, r.AvailableProviders, choice.ExecutionProvider, choice.FallbackReason)
            : null;
        // Limits degrade to local shares while Redis is away; serving continues, so this informs rather than fails readiness.
        var shared = context.RequestServices.GetService<FallbackRateLimitStore>();
        var limits = new RateLimitHealth(shared is null ? "in-process" : "redis", shared?.IsDegraded ?? false);
        var metering = context.RequestServices.GetService<Func<MeteringStatus>>()?.Invoke() is { } m
            ? new MeteringHealth(m.Queued, m.SpoolEvents, m.SpoolBytes, m.LagSeconds, m.PostgresReachable ? "ok" : "unreachable")
            : null;
        return TypedResults.Json(
            new ReadyResponse(status, runtime, models, limits, metering),
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}

internal sealed record LiveResponse(string Status);

internal sealed record ReadyResponse(string Status, RuntimeHealth? OnnxRuntime, IReadOnlyList<ModelHealth> Models, RateLimitHealth RateLimits, MeteringHealth? Metering);

/// <summary>
/// Usage events not yet in Postgres: queued in memory, or in the local spool while Postgres is unreachable
/// (serving continues, so this informs rather than fails readiness); lag is the age of the oldest of them.
/// </summary>
internal sealed record MeteringHealth(int Queued, long SpoolEvents, long SpoolBytes, double LagSeconds, string Postgres);

/// <summary>Where rate limits are kept, and whether they fell back to local shares because Redis is unreachable.</summary>
internal sealed record RateLimitHealth(string Store, bool Degraded);

/// <summary>The ONNX Runtime build, the provider sessions were set up for and, after a fallback from CUDA, why.</summary>
internal sealed record RuntimeHealth(string Version, string Flavor, IReadOnlyList<string> Providers, string ExecutionProvider, string? FallbackReason);

internal sealed record ModelHealth(string Id, string Status, string? ExecutionProvider, IReadOnlyList<DeviceHealth> Devices, string? Error);

internal sealed record DeviceHealth(int Id, string ExecutionProvider, int Active, int Capacity);
