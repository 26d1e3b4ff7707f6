using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Observability;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Observability;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Counter_AddsPerLabelSet_WithTypeAndEscapedHelp()
    {
        using var exporter = new PrometheusExporter(Factory);
        var counter = Factory.Create("Test").CreateCounter<long>("platform_test_things_total", description: "Things \\ counted\nhere.");
        counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));

        var text = exporter.Scrape();
        var parsed = PrometheusParser.Parse(text);

        Assert.Equal("counter", parsed.Types["platform_test_things_total"]);
        Assert.Equal("Things \\\\ counted\\nhere.", parsed.Help["platform_test_things_total"]);
        Assert.Equal(5, parsed.Sum("platform_test_things_total", ("kind", "a")));
        Assert.Equal(1, parsed.Sum("platform_test_things_total", ("kind", "b")));
    }

    [Fact]
    public void LabelValues_QuotesBackslashesAndNewlines_AreEscapedAndReadBack()
    {
        using var exporter = new PrometheusExporter(Factory);
        var counter = Factory.Create("Test").CreateCounter<int>("platform_test_escape_total");
        const string Nasty = "a\"b\\c\nd";
        counter.Add(1, new KeyValuePair<string, object?>("route", Nasty), new KeyValuePair<string, object?>("bad-key", "x"));

        var text = exporter.Scrape();
        var parsed = PrometheusParser.Parse(text);

        Assert.Contains("route=\"a\\\"b\\\\c\\nd\"", text, StringComparison.Ordinal);
        var sample = Assert.Single(parsed.Named("platform_test_escape_total"));
        Assert.Equal(Nasty, sample.Labels["route"]);
        Assert.Equal("x", sample.Labels["bad_key"]);
    }

    [Fact]
    public void Histogram_UsesAdvisedBuckets_CumulativeWithInfSumAndCount()
    {
        using var exporter = new PrometheusExporter(Factory);
        var histogram = Factory.Create("Test").CreateHistogram<double>(
            "platform_test_latency_seconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        foreach (var value in new[] { 0.05, 0.1, 0.5, 5, 50 })
        {
            histogram.Record(value, new KeyValuePair<string, object?>("model", "m"));
        }

        var parsed = PrometheusParser.Parse(exporter.Scrape());

        Assert.Equal("histogram", parsed.Types["platform_test_latency_seconds"]);
        var buckets = parsed.Named("platform_test_latency_seconds_bucket").ToDictionary(s => s.Labels["le"], s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["0.1"] = 2, ["1"] = 3, ["10"] = 4, ["+Inf"] = 5 }, buckets);
        Assert.All(parsed.Named("platform_test_latency_seconds_bucket"), s => Assert.Equal("m", s.Labels["model"]));
        Assert.Equal(55.65, parsed.Sum("platform_test_latency_seconds_sum"), 6);
        Assert.Equal(5, parsed.Sum("platform_test_latency_seconds_count"));
    }

    [Fact]
    public void Gauges_ObservableReadAtScrape_UpDownAdds_SyncGaugeKeepsLast()
    {
        using var exporter = new PrometheusExporter(Factory);
        var meter = Factory.Create("Test");
        var depth = 7;
        meter.CreateObservableGauge("platform_test_depth", () => new Measurement<int>(depth, new KeyValuePair<string, object?>("model", "m")));
        var running = meter.CreateUpDownCounter<long>("platform_test_running");
        var last = meter.CreateGauge<double>("platform_test_last_ratio");
        running.Add(3);
        running.Add(-1);
        last.Record(0.25);
        last.Record(0.5);

        var first = PrometheusParser.Parse(exporter.Scrape());
        depth = 0;
        var second = PrometheusParser.Parse(exporter.Scrape());

        Assert.Equal("gauge", first.Types["platform_test_depth"]);
        Assert.Equal("gauge", first.Types["platform_test_running"]);
        Assert.Equal("gauge", first.Types["platform_test_last_ratio"]);
        Assert.Equal(7, first.Sum("platform_test_depth", ("model", "m")));
        Assert.Equal(0, second.Sum("platform_test_depth", ("model", "m")));
        Assert.Equal(2, first.Sum("platform_test_running"));
        Assert.Equal(0.5, first.Sum("platform_test_last_ratio"));
    }

    [Fact]
    public void SpecialValues_AreWrittenAsPrometheusSpellsThem()
    {
        using var exporter = new PrometheusExporter(Factory);
        var gauge = Factory.Create("Test").CreateGauge<double>("platform_test_special");
        gauge.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("v", "inf"));
        gauge.Record(double.NegativeInfinity, new KeyValuePair<string, object?>("v", "-inf"));
        gauge.Record(double.NaN, new KeyValuePair<string, object?>("v", "nan"));
        gauge.Record(1e-7, new KeyValuePair<string, object?>("v", "tiny"));

        var text = exporter.Scrape();
        var parsed = PrometheusParser.Parse(text);

        Assert.Contains("platform_test_special{v=\"inf\"} +Inf\n", text, StringComparison.Ordinal);
        Assert.Contains("platform_test_special{v=\"-inf\"} -Inf\n", text, StringComparison.Ordinal);
        Assert.Contains("platform_test_special{v=\"nan\"} NaN\n", text, StringComparison.Ordinal);
        Assert.Equal(1e-7, parsed.Sum("platform_test_special", ("v", "tiny")));
    }

    [Fact]
    public void Instruments_OfOtherFactoriesOrWithoutOurPrefix_AreNotExported()
    {
        using var exporter = new PrometheusExporter(Factory);
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var other = otherServices.GetRequiredService<IMeterFactory>().Create("Test");
        other.CreateCounter<long>("platform_other_host_total").Add(1);
        using var unscoped = new Meter("Test");
        unscoped.CreateCounter<long>("platform_unscoped_total").Add(1);
        Factory.Create("Test").CreateCounter<long>("http.server.requests").Add(1);
        Factory.Create("Test").CreateCounter<long>("platform_mine_total").Add(1);

        var parsed = PrometheusParser.Parse(exporter.Scrape());

        Assert.Equal(["platform_mine_total"], parsed.Types.Keys);
    }
}
