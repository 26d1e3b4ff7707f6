using System.Diagnostics.Metrics;

namespace Platform.Billing.Metering;

/// <summary>
/// The metering pipeline's instruments, on a meter from the app's <see cref="IMeterFactory"/> (what the Prometheus
/// exporter listens to), named in their final Prometheus form.
/// </summary>
internal sealed class MeteringMetrics
{
    public const string MeterName = "Platform.Metering";

    private readonly Counter<long> _events;

    public MeteringMetrics(IMeterFactory meterFactory, Func<MeteringStatus> status)
    {
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>(
            "platform_metering_events_total", description: "Usage events by where they went: written (to Postgres), spooled (to the local spool), replayed (from the spool to Postgres), duplicate (already stored), lost (neither).");
        meter.CreateObservableGauge("platform_metering_spool_bytes", () => status().SpoolBytes, description: "Bytes in the local spool waiting for Postgres.");
        meter.CreateObservableGauge("platform_metering_spool_events", () => status().SpoolEvents, description: "Usage events in the local spool waiting for Postgres.");
        meter.CreateObservableGauge("platform_metering_queue_events", () => (long)status().Queued, description: "Usage events waiting for the writer in memory.");
        meter.CreateObservableGauge("platform_metering_lag_seconds", () => status().LagSeconds, description: "Age of the oldest usage event not yet in Postgres (0 when none).");
    }

    public void Count(string outcome, long events)
    {
        if (events > 0)
        {
            _events.Add(events, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}

/// <summary>What the pipeline holds now: for <c>/readyz</c> and the gauges.</summary>
public sealed record MeteringStatus(int Queued, long SpoolEvents, long SpoolBytes, double LagSeconds, bool PostgresReachable);
