using System.Diagnostics;
using Npgsql;
using OpenTelemetry.Trace;
using Platform.Api.Coordination;
using Platform.Inference.Engine;

namespace Platform.Api.Observability;

/// <summary>
/// Our spans. The request's own span is ASP.NET Core's (it honours an incoming W3C <c>traceparent</c>), named and
/// tagged by OpenTelemetry's instrumentation; ours are its children: <c>auth</c>, <c>rate_limits.*</c>,
/// <c>moderation</c>, <c>waiting_room</c>, <c>metering</c>, and the engine's <c>prefill</c> and <c>decode</c>.
/// </summary>
internal static class ApiTracing
{
    public const string SourceName = "Platform.Api";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Every source a trace of ours is made of: ASP.NET Core's request span, ours, the engine's, Npgsql's and Redis's.</summary>
    public static TracerProviderBuilder AddPlatformTracing(this TracerProviderBuilder tracing) => tracing
        .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
        .AddSource(SourceName, EngineTracing.SourceName)
        .AddNpgsql()
        .AddRedisInstrumentation()
        .ConfigureRedisInstrumentation((services, redis) =>
            services.GetService<SharedRedis>()?.WhenConnected(multiplexer => redis.AddConnection(multiplexer)));

    /// <summary>Scrapes and health probes every few seconds would drown the traces that matter.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(MetricsEndpoints.Path, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase);
}
