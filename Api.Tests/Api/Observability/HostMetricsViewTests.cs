using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Observability;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Observability;

/// <summary>Several hosts in one process (as in these tests) each export only their own instruments.</summary>
public sealed class HostMetricsViewTests
{
    [Fact]
    public async Task TwoHostsInOneProcess_EachScrapesOnlyItsOwnValues_AndOutlivesTheOther()
    {
        await using var first = await StartAsync();
        var second = await StartAsync();
        Count(first, 2);
        Count(second, 5);

        var firstScrape = await ScrapeAsync(first);
        var secondScrape = await ScrapeAsync(second);
        await second.DisposeAsync();
        Count(first, 1);
        var afterOtherStopped = await ScrapeAsync(first);

        Assert.Equal(2, firstScrape.Sum("platform_http_requests_total", ("route", "/probe")));
        Assert.Equal(5, secondScrape.Sum("platform_http_requests_total", ("route", "/probe")));
        Assert.Equal(3, afterOtherStopped.Sum("platform_http_requests_total", ("route", "/probe")));
        Assert.Equal("histogram", afterOtherStopped.Types["platform_http_request_duration_seconds"]);
    }

    private static void Count(WebApplication host, int times)
    {
        var metrics = host.Services.GetRequiredService<RequestMetrics>();
        for (var i = 0; i < times; i++)
        {
            metrics.Request("/probe", 200, TimeSpan.FromMilliseconds(3));
        }
    }

    private static async Task<PrometheusParser> ScrapeAsync(WebApplication host)
    {
        using var client = host.GetTestClient();
        return PrometheusParser.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddObservability(builder.Configuration);
        var app = builder.Build();
        app.MapMetrics();
        await app.StartAsync();
        return app;
    }
}
