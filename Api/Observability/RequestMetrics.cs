using System.Diagnostics.Metrics;

namespace Platform.Api.Observability;

/// <summary>
/// The request instruments. Names are final Prometheus names and documented in the README: renaming one breaks
/// dashboards, so don't.
/// </summary>
internal sealed class RequestMetrics
{
    public const string MeterName = "Platform.Api";

    /// <summary>Request durations run from a millisecond (a model list) to minutes (a long stream).</summary>
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    /// <summary>Time to first token spans queueing (seconds) and prefill (milliseconds).</summary>
    private static readonly double[] FirstTokenBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

    /// <summary>One decode step: a tenth of a millisecond on a tiny model to a few hundred on a large one.</summary>
    private static readonly double[] InterTokenBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _interToken;
    private readonly Counter<long> _rateLimited;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("platform_http_requests_total", description: "HTTP requests answered, by route template and status code.");
        _duration = meter.CreateHistogram<double>(
            "platform_http_request_duration_seconds",
            unit: "s",
            description: "Time from receiving a request to the end of its response (the whole stream for a streamed one), by route template.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _firstToken = meter.CreateHistogram<double>(
            "platform_time_to_first_token_seconds",
            unit: "s",
            description: "Time from receiving a completion request to its first generated token, waiting-room time included, by model.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstTokenBuckets });
        _interToken = meter.CreateHistogram<double>(
            "platform_inter_token_latency_seconds",
            unit: "s",
            description: "Time between consecutive generated tokens of one choice, by model.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = InterTokenBuckets });
        _rateLimited = meter.CreateCounter<long>("platform_rate_limit_rejections_total", description: "Requests refused with 429 by a tier limit: requests, tokens, concurrent or quota.");
    }

    public void Request(string route, int status, TimeSpan duration)
    {
        var statusText = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("status", statusText));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("route", route));
    }

    public void FirstToken(string model, TimeSpan elapsed) => _firstToken.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void InterToken(string model, TimeSpan gap) => _interToken.Record(gap.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    /// <summary><paramref name="limit"/>: <c>requests</c>, <c>tokens</c>, <c>concurrent</c> or <c>quota</c>.</summary>
    public void RateLimited(string limit) => _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));
}
