using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Platform.Inference.Models;

namespace Platform.Inference.Engine;

/// <summary>
/// The engine's instruments, named as Prometheus will show them (stable: dashboards depend on the names), labelled
/// <c>model</c> and <c>device</c>. Gauges are read from the pools' loads at collection time; counters and step
/// durations are recorded by the device loops.
/// </summary>
public sealed partial class EngineMetrics
{
    public const string MeterName = "Platform.Inference";

    private static readonly double[] StepBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generatedTokens;
    private readonly Histogram<double> _prefillSeconds;
    private readonly Histogram<double> _decodeSeconds;

    public EngineMetrics(IMeterFactory meterFactory, ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(registry);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("platform_engine_batch_size", () => Observe(registry, (w, _) => w.LastBatchSize), "{sequence}", "Sequences in the device's last decode step.");
        meter.CreateObservableGauge("platform_engine_running_sequences", () => Observe(registry, (_, l) => l.RunningSequences), "{sequence}", "Sequences in the running batch.");
        meter.CreateObservableGauge("platform_engine_waiting_sequences", () => Observe(registry, (_, l) => l.WaitingSequences), "{sequence}", "Sequences admitted to the device but not yet decoding (queued or in prefill).");
        meter.CreateObservableGauge("platform_engine_kv_reserved_tokens", () => Observe(registry, (_, l) => l.ReservedKvTokens), "{token}", "KV-cache tokens held on the budget: admitted requests' admission tokens (prompt + one growth block on demand, prompt + max tokens when reserving) and the blocks running sequences grew by.");
        meter.CreateObservableGauge("platform_engine_kv_used_tokens", () => Observe(registry, (_, l) => l.UsedKvTokens), "{token}", "KV-cache positions held by running sequences.");
        meter.CreateObservableGauge("platform_engine_kv_cached_tokens", () => Observe(registry, (_, l) => l.CachedKvTokens), "{token}", "KV-cache tokens held by cached blocks no running sequence uses (counted as used; evicted before any refusal).");
        meter.CreateObservableGauge("platform_engine_preempted_sequences", () => Observe(registry, (_, l) => l.PreemptedSequences), "{sequence}", "Sequences preempted for KV memory and waiting to be recomputed.");
        meter.CreateObservableGauge("platform_engine_kv_budget_tokens", () => Observe(registry, (_, l) => l.MaxKvTokens), "{token}", "The device's KV-cache budget (Inference:MaxKvTokens).");
        meter.CreateObservableGauge("platform_engine_kv_utilization_ratio", () => ObserveRatio(registry), null, "Reserved KV tokens over the budget.");
        _promptTokens = meter.CreateCounter<long>("platform_engine_prompt_tokens_total", "{token}", "Prompt tokens prefilled.");
        _generatedTokens = meter.CreateCounter<long>("platform_engine_generated_tokens_total", "{token}", "Tokens generated.");
        _prefillSeconds = meter.CreateHistogram("platform_engine_prefill_step_duration_seconds", "s", "Time the prefill part of a scheduler step took.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });

        // Read from the devices' own totals, so both are exported (at 0) before the first preemption.
        meter.CreateObservableCounter("platform_engine_preemptions_total", () => Observe(registry, (w, _) => w.Preemptions), "{sequence}", "Sequences preempted because the KV budget ran out mid-generation (recomputed later).");
        meter.CreateObservableCounter("platform_engine_recomputed_tokens_total", () => Observe(registry, (w, _) => w.RecomputedTokens), "{token}", "Tokens prefilled again to resume preempted sequences (prompt + tokens already generated).");
        _decodeSeconds = meter.CreateHistogram("platform_engine_decode_step_duration_seconds", "s", "Time one batched decode step took, sampling included.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
        CreatePrefixCacheInstruments(meter, registry);
    }

    internal void RecordPrefill(string model, int device, int promptTokens, int firstTokens, TimeSpan elapsed)
    {
        var tags = Tags(model, device);
        _promptTokens.Add(promptTokens, tags);
        if (firstTokens > 0)
        {
            _generatedTokens.Add(firstTokens, tags);
        }

        _prefillSeconds.Record(elapsed.TotalSeconds, tags);
    }

    internal void RecordDecode(string model, int device, int tokens, TimeSpan elapsed)
    {
        var tags = Tags(model, device);
        _generatedTokens.Add(tokens, tags);
        _decodeSeconds.Record(elapsed.TotalSeconds, tags);
    }

    internal void RecordRecompute(string model, int device, TimeSpan elapsed) => _prefillSeconds.Record(elapsed.TotalSeconds, Tags(model, device));

    private static TagList Tags(string model, int device) => new()
    {
        { "model", model },
        { "device", device.ToString(CultureInfo.InvariantCulture) },
    };

    private static IEnumerable<Measurement<long>> Observe(ModelRegistry registry, Func<DeviceWorker, DeviceLoad, long> value)
    {
        foreach (var model in registry.Models)
        {
            foreach (var worker in model.Pool.Workers)
            {
                yield return new Measurement<long>(value(worker, worker.Load), Tags(model.Name, worker.DeviceId));
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveRatio(ModelRegistry registry)
    {
        foreach (var model in registry.Models)
        {
            foreach (var worker in model.Pool.Workers)
            {
                yield return new Measurement<double>(worker.Load.KvUtilization, Tags(model.Name, worker.DeviceId));
            }
        }
    }
}
