using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Platform.Api.Observability;

/// <summary>
/// Every series of one metric name, whichever instruments report under it: counters and up-down counters add,
/// synchronous gauges keep the last value, histograms count into buckets, and observable instruments are
/// cleared and re-read at each scrape (so a label set nobody reports any more disappears).
/// </summary>
internal sealed class MetricFamily
{
    /// <summary>Prometheus' default buckets, in seconds, for histograms that give no advice.</summary>
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly ConcurrentDictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly double[] _bounds;

    private MetricFamily(string name, string type, string help, bool observable, bool lastValue, double[] bounds)
    {
        Name = name;
        Type = type;
        Help = help;
        Observable = observable;
        LastValue = lastValue;
        _bounds = bounds;
    }

    public string Name { get; }

    /// <summary><c>counter</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public string Type { get; }

    public string Help { get; }

    public bool Observable { get; }

    private bool LastValue { get; }

    public static MetricFamily For(Instrument instrument)
    {
        var name = PrometheusText.Name(instrument.Name);
        var help = instrument.Description ?? "";
        var generic = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        if (generic == typeof(Histogram<>))
        {
            return new MetricFamily(name, "histogram", help, false, false, BucketsOf(instrument) ?? DefaultBuckets);
        }

        var counter = generic == typeof(Counter<>) || generic == typeof(ObservableCounter<>);
        return new MetricFamily(name, counter ? "counter" : "gauge", help, instrument.IsObservable, generic == typeof(Gauge<>), []);
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = LabelsOf(tags);
        var key = string.Join('\u0001', labels.Select(l => $"{l.Key}\u0002{l.Value}"));
        var series = _series.GetOrAdd(key, _ => new MetricSeries(labels, _bounds.Length));
        if (Type == "histogram")
        {
            series.Observe(value, _bounds);
        }
        else if (LastValue)
        {
            series.Set(value);
        }
        else
        {
            series.Add(value);
        }
    }

    /// <summary>Before an observable family is read again: its old values go.</summary>
    public void Clear() => _series.Clear();

    public void WriteTo(StringBuilder output)
    {
        if (Help.Length > 0)
        {
            output.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.Help(Help)).Append('\n');
        }

        output.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var series in _series.Values.OrderBy(s => s.SortKey, StringComparer.Ordinal))
        {
            if (Type == "histogram")
            {
                WriteHistogram(output, series);
                continue;
            }

            output.Append(Name);
            PrometheusText.Labels(output, series.Labels);
            output.Append(' ').Append(PrometheusText.Number(series.Value)).Append('\n');
        }
    }

    private void WriteHistogram(StringBuilder output, MetricSeries series)
    {
        var (counts, sum, count) = series.Snapshot();
        long cumulative = 0;
        for (var i = 0; i < _bounds.Length; i++)
        {
            cumulative += counts[i];
            output.Append(Name).Append("_bucket");
            PrometheusText.Labels(output, series.Labels, "le", PrometheusText.Number(_bounds[i]));
            output.Append(' ').Append(cumulative).Append('\n');
        }

        output.Append(Name).Append("_bucket");
        PrometheusText.Labels(output, series.Labels, "le", "+Inf");
        output.Append(' ').Append(count).Append('\n');
        output.Append(Name).Append("_sum");
        PrometheusText.Labels(output, series.Labels);
        output.Append(' ').Append(PrometheusText.Number(sum)).Append('\n');
        output.Append(Name).Append("_count");
        PrometheusText.Labels(output, series.Labels);
        output.Append(' ').Append(count).Append('\n');
    }

    private static double[]? BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };

    private static KeyValuePair<string, string>[] LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(PrometheusText.Name(tags[i].Key, label: true), Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }
}
