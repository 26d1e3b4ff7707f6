using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Platform.Api.Observability;

/// <summary>
/// Listens to this app's instruments (those of meters made by its own <see cref="IMeterFactory"/>, so several
/// hosts in one process keep apart) whose names are already Prometheus names (<c>platform_</c>...), and writes
/// them in the text exposition format. Instruments of other meters (ASP.NET Core's own, for instance) are not
/// enabled, so they cost nothing and their names, which we do not control, never reach a dashboard.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public const string NamePrefix = "platform_";

    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly MeterListener _listener;
    private readonly Lock _scrape = new();

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name.StartsWith(NamePrefix, StringComparison.Ordinal))
                {
                    var family = _families.GetOrAdd(PrometheusText.Name(instrument.Name), _ => MetricFamily.For(instrument));
                    listener.EnableMeasurementEvents(instrument, family);
                }
            },
        };
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments afresh, then writes every family, sorted by name.</summary>
    public string Scrape()
    {
        var output = new StringBuilder();
        lock (_scrape)
        {
            foreach (var family in _families.Values.Where(f => f.Observable))
            {
                family.Clear();
            }

            _listener.RecordObservableInstruments();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.WriteTo(output);
            }
        }

        return output.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
