using System.Diagnostics.Metrics;

namespace Platform.Api.WaitingRoom;

/// <summary>The waiting room's instruments (final Prometheus names, documented in the README).</summary>
internal sealed class WaitingRoomMetrics
{
    public const string MeterName = "Platform.WaitingRoom";

    private static readonly double[] WaitBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

    private readonly Histogram<double> _wait;
    private readonly Counter<long> _rejections;

    public WaitingRoomMetrics(IMeterFactory meterFactory, Func<IEnumerable<(string Model, int Depth)>> depths)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "platform_waiting_room_queue_depth",
            () => depths().Select(d => new Measurement<int>(d.Depth, new KeyValuePair<string, object?>("model", d.Model))),
            description: "Requests waiting in the waiting room for engine capacity, by model.");
        _wait = meter.CreateHistogram<double>(
            "platform_waiting_room_wait_seconds",
            unit: "s",
            description: "Time a request that had to queue spent in the waiting room, by model and outcome (admitted, rejected, cancelled).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WaitBuckets });
        _rejections = meter.CreateCounter<long>(
            "platform_waiting_room_rejections_total",
            description: "Requests turned away with 503 server_is_overloaded, by reason: queue_full, project_queue_full, estimated_wait, timeout, draining.");
    }

    public void Waited(string model, string outcome, TimeSpan waited) => _wait.Record(
        waited.TotalSeconds, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    public void Rejected(string reason) => _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
