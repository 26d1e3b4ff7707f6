namespace Platform.Api.Observability;

/// <summary><c>GET /metrics</c>: Prometheus text format, open like the health endpoints and never queued.</summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        // Listening starts now, not at the first scrape, so nothing measured before it is lost.
        routes.ServiceProvider.GetRequiredService<PrometheusExporter>();
        routes.MapGet("/metrics", Scrape).ExcludeFromDescription();
        return routes;
    }

    internal static IResult Scrape(PrometheusExporter exporter) =>
        TypedResults.Text(exporter.Scrape(), PrometheusText.ContentType);
}
