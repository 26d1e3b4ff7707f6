using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Api.Tests.Inference.Engine;

[Collection(OrtTests.Name)]
public sealed class EngineMetricsTests(OrtFixture ort)
{
    private static readonly string[] Names =
    [
        "platform_engine_batch_size", "platform_engine_running_sequences", "platform_engine_waiting_sequences",
        "platform_engine_kv_reserved_tokens", "platform_engine_kv_used_tokens", "platform_engine_kv_budget_tokens",
        "platform_engine_kv_utilization_ratio", "platform_engine_prompt_tokens_total", "platform_engine_generated_tokens_total",
        "platform_engine_prefill_step_duration_seconds", "platform_engine_decode_step_duration_seconds",
        "platform_engine_kv_cached_tokens", "platform_engine_preempted_sequences", "platform_engine_preemptions_total",
        "platform_engine_recomputed_tokens_total",
        "platform_engine_prefix_cache_lookups_total", "platform_engine_prefix_cache_hit_tokens_total", "platform_engine_prefix_cache_evictions_total",
        "platform_engine_prefix_cache_blocks", "platform_engine_prefix_cache_bytes",
    ];

    [Fact]
    public async Task Generation_RecordsTokensStepsAndLoad_UnderTheStableNames()
    {
        await using var services = new ServiceCollection().AddMetrics().AddSingleton<ModelRegistry>().AddSingleton<EngineMetrics>().BuildServiceProvider();
        var registry = services.GetRequiredService<ModelRegistry>();
        var metrics = services.GetRequiredService<EngineMetrics>();
        var factory = services.GetRequiredService<IMeterFactory>();
        var options = new InferenceOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1, MaxBatchSize = 4, MaxKvTokens = 1000 };
        var model = new ModelLoader(NullLoggerFactory.Instance, metrics).Load(SharedData.Model("tiny-random-gpt2"), ort.Runtime, options, useCuda: false, () => 1);
        registry.Add(model); // disposed with the registry

        var seen = new Dictionary<string, List<(double Value, string? Model, string? Device)>>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this host's meter: another host in the same process has its own factory.
                if (instrument.Meter.Name == EngineMetrics.MeterName && instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? model = null, device = null;
            foreach (var tag in tags)
            {
                model = tag.Key == "model" ? tag.Value as string : model;
                device = tag.Key == "device" ? tag.Value as string : device;
            }

            lock (seen)
            {
                (seen.TryGetValue(instrument.Name, out var list) ? list : seen[instrument.Name] = []).Add((value, model, device));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using var reservation = Assert.IsType<EngineReservation>(model.Pool.TryReserve(2, 100));
        var request = new GenerationRequest([464, 68, 12], new GenerationOptions { MaxTokens = 6, Temperature = 0f, IgnoreEos = true });
        await Task.WhenAll(
            DeviceWorkerTests.Collect(model.Pool.GenerateAsync(request, reservation)),
            DeviceWorkerTests.Collect(model.Pool.GenerateAsync(request, reservation)));
        listener.RecordObservableInstruments();

        Assert.Equal(Names.Order(), seen.Keys.Order());
        Assert.All(seen.Values.SelectMany(v => v), m => Assert.Equal(("tiny-random-gpt2", "0"), (m.Model, m.Device)));
        Assert.Equal(6, seen["platform_engine_prompt_tokens_total"].Sum(m => m.Value));
        Assert.Equal(12, seen["platform_engine_generated_tokens_total"].Sum(m => m.Value));
        Assert.NotEmpty(seen["platform_engine_decode_step_duration_seconds"]);


        // Both sequences have left: their tokens went back with them; the reservation still holds its two slots.
        Assert.Equal(0, seen["platform_engine_kv_reserved_tokens"].Single().Value);
        Assert.Equal(2, model.Pool.Load.ReservedSequences);
        Assert.Equal(1000, seen["platform_engine_kv_budget_tokens"].Single().Value);
        Assert.Equal(0, seen["platform_engine_kv_utilization_ratio"].Single().Value, 6);
        Assert.Equal(0, seen["platform_engine_kv_cached_tokens"].Single().Value);
        Assert.Equal(0, seen["platform_engine_preemptions_total"].Single().Value);
        Assert.Equal(0, seen["platform_engine_running_sequences"].Single().Value);

        // Two 3-token prompts: looked up, nothing to serve (not one whole block before the last token), nothing kept.
        Assert.Equal(2, seen["platform_engine_prefix_cache_lookups_total"].Single().Value);
        Assert.Equal(0, seen["platform_engine_prefix_cache_hit_tokens_total"].Single().Value);
        Assert.Equal(0, seen["platform_engine_prefix_cache_blocks"].Single().Value);
    }
}
