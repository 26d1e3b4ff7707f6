namespace Platform.Api.Observability;

/// <summary><c>GET /metrics</c>: OpenTelemetry's Prometheus exporter, open like the health endpoints and never queued.</summary>
internal static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapPrometheusScrapingEndpoint(Path).ExcludeFromDescription();
        return routes;
    }
}
