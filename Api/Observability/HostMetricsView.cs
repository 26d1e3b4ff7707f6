using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Platform.Api.Observability;

/// <summary>
/// The one View of this host's meter provider. It drops instruments of meters made by another host's
/// <see cref="IMeterFactory"/>: OpenTelemetry listens to every meter of a matching name in the process, and the
/// tests run several hosts in one, where their same-named instruments would otherwise merge (and one host's
/// shut-down would end the other's series). It also gives histograms in seconds that advise no buckets seconds
/// buckets, instead of the SDK's defaults, which are made for milliseconds.
/// </summary>
internal sealed class HostMetricsView(IMeterFactory meterFactory)
{
    /// <summary>Prometheus' default buckets, in seconds.</summary>
    public static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public MetricStreamConfiguration? Select(Instrument instrument)
    {
        if (instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, meterFactory))
        {
            return MetricStreamConfiguration.Drop;
        }

        if (instrument.Unit == "s" && IsHistogramWithoutAdvice(instrument))
        {
            return new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets };
        }

        return null;
    }

    private static bool IsHistogramWithoutAdvice(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries is null,
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries is null,
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries is null,
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries is null,
        _ => false,
    };
}
