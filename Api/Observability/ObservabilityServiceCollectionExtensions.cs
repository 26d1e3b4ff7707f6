using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Platform.Api.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>The standard variable every OpenTelemetry SDK reads; set, it turns on OTLP export.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The meter factory every instrument comes from, the request instruments, the access log, and OpenTelemetry:
    /// metrics always (for <c>/metrics</c>); when <see cref="OtlpEndpointVariable"/> is set, metrics, traces and
    /// logs pushed by OTLP. Without it no span is recorded at all.
    /// </summary>
    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<AccessLog>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService("platform-api");
                }
            })
            .WithMetrics(metrics => metrics
                .AddPlatformMeters()
                .AddPrometheusExporter(prometheus =>
                {
                    // Names and label sets stay exactly as documented (docs/metrics.md says why).
                    prometheus.ScopeInfoEnabled = false;
                    // Each scrape reads the instruments afresh, as the hand-written exporter did.
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                }));
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
            metrics.AddView(new HostMetricsView(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()).Select));
        if (!string.IsNullOrEmpty(configuration[OtlpEndpointVariable]))
        {
            telemetry.WithTracing(tracing => tracing.AddPlatformTracing());
            telemetry.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>Request counts and durations; outermost after the request id, so every status (errors included) is final when counted.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.UseMiddleware<RequestMetricsMiddleware>();
}
