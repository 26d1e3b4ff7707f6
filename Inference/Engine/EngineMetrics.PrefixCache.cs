using System.Diagnostics.Metrics;

namespace Platform.Inference.Engine;

/// <summary>The prefix cache's instruments: read from each device's cache at collection time (a device without a cache reports nothing).</summary>
public sealed partial class EngineMetrics
{
    private static void CreatePrefixCacheInstruments(Meter meter, Models.ModelRegistry registry)
    {
        meter.CreateObservableCounter("platform_engine_prefix_cache_lookups_total", () => ObserveCache(registry, c => c.Lookups), "{lookup}", "Prompts looked up in the prefix cache.");
        meter.CreateObservableCounter("platform_engine_prefix_cache_hit_tokens_total", () => ObserveCache(registry, c => c.HitTokens), "{token}", "Prompt tokens served from the prefix cache instead of prefilled.");
        meter.CreateObservableCounter("platform_engine_prefix_cache_evictions_total", () => ObserveCache(registry, c => c.Evictions), "{block}", "Prefix-cache blocks evicted.");
        meter.CreateObservableGauge("platform_engine_prefix_cache_blocks", () => ObserveCache(registry, c => c.Blocks), "{block}", "Blocks held by the prefix cache.");
        meter.CreateObservableGauge("platform_engine_prefix_cache_bytes", () => ObserveCache(registry, c => c.Bytes), "By", "Bytes of KV held by the prefix cache.");
    }

    private static IEnumerable<Measurement<long>> ObserveCache(Models.ModelRegistry registry, Func<PrefixCache, long> value)
    {
        foreach (var model in registry.Models)
        {
            foreach (var worker in model.Pool.Workers)
            {
                if (worker.PrefixCache is { } cache)
                {
                    yield return new Measurement<long>(value(cache), Tags(model.Name, worker.DeviceId));
                }
            }
        }
    }
}
