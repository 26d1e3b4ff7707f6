using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Platform.Api.Observability;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Observability;

/// <summary>OTLP export, and with it tracing, is on exactly when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public sealed class OtlpSwitchTests
{
    [Fact]
    public async Task WithoutAnEndpoint_NoTracerProvider_MetricsStillServed()
    {
        await using var app = await StartAsync(endpoint: null);

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Contains("platform_http_requests_total", (await ScrapeAsync(app)).Types.Keys);
    }

    [Fact]
    public async Task WithAnEndpoint_TracingIsOn_AndAnUnreachableCollectorHurtsNothing()
    {
        // Nothing listens on the port: exports fail in the background, the app serves on.
        await using var app = await StartAsync(endpoint: $"http://127.0.0.1:{FreePort.Pick()}");

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.Contains("platform_http_requests_total", (await ScrapeAsync(app)).Types.Keys);
    }

    private static async Task<PrometheusParser> ScrapeAsync(WebApplication app)
    {
        app.Services.GetRequiredService<RequestMetrics>().Request("/probe", 200, TimeSpan.FromMilliseconds(1));
        using var client = app.GetTestClient();
        return PrometheusParser.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
    }

    private static async Task<WebApplication> StartAsync(string? endpoint)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[ObservabilityServiceCollectionExtensions.OtlpEndpointVariable] = endpoint;
        builder.Services.AddObservability(builder.Configuration);
        var app = builder.Build();
        app.MapMetrics();
        await app.StartAsync();
        return app;
    }
}
