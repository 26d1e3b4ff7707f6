namespace Platform.Api.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>The meter factory every instrument comes from, the request instruments, the access log and the <c>/metrics</c> exporter.</summary>
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<AccessLog>();
        services.AddSingleton<PrometheusExporter>();
        return services;
    }

    /// <summary>Request counts and durations; outermost after the request id, so every status (errors included) is final when counted.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.UseMiddleware<RequestMetricsMiddleware>();
}
