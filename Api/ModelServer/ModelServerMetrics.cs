using System.Diagnostics.Metrics;
using Platform.Api.WaitingRoom;
using Platform.Inference.Models;

namespace Platform.Api.ModelServer;

/// <summary>
/// The metrics the Gateway API Inference Extension's endpoint picker scrapes (its Model Server Protocol), one
/// series each for the whole replica, all models and devices together, counted in sequences (a request with
/// <c>n</c> choices runs <c>n</c>, as vLLM counts them):
/// <list type="bullet">
/// <item>TotalQueuedRequests: sequences waiting in the waiting room plus those admitted to the engine but not yet
/// decoding (queued on a device, in prefill, or waiting inside the engine).</item>
/// <item>TotalRunningRequests: sequences in the running decode batches.</item>
/// <item>KVCacheUtilization: reserved KV tokens over the budget (0-1). Reserved, not used: admission reserves each
/// sequence's prompt + max tokens up front and never preempts, so the reservation, not the positions filled so far,
/// is what keeps the next request out.</item>
/// <item>LoRA: no adapters are served; the info series says so (<c>max_lora</c> 0, no running or waiting adapters).</item>
/// </list>
/// OpenTelemetry instrument names cannot carry vLLM's <c>vllm:</c> prefix, so these are our names, and the endpoint
/// picker is told them by its flags (<c>deploy/kubernetes</c>).
/// </summary>
internal sealed class ModelServerMetrics
{
    public const string MeterName = "Platform.ModelServer";

    public const string QueuedRequests = "platform_model_server_queued_requests";
    public const string RunningRequests = "platform_model_server_running_requests";
    public const string KvCacheUtilization = "platform_model_server_kv_cache_utilization";
    public const string LoraRequestsInfo = "platform_model_server_lora_requests_info";

    public ModelServerMetrics(IMeterFactory meterFactory, ModelRegistry registry, WaitingRooms rooms, TimeProvider time)
    {
        var meter = meterFactory.Create(MeterName);
        var started = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        meter.CreateObservableGauge(
            QueuedRequests,
            () => ModelServerState.Read(registry, rooms).Queued,
            "{sequence}",
            "Model Server Protocol TotalQueuedRequests: sequences in the waiting room plus those admitted to the engine but not yet decoding.");
        meter.CreateObservableGauge(
            RunningRequests,
            () => ModelServerState.Read(registry, rooms).Running,
            "{sequence}",
            "Model Server Protocol TotalRunningRequests: sequences in the running decode batches.");
        meter.CreateObservableGauge(
            KvCacheUtilization,
            () => ModelServerState.Read(registry, rooms).KvCacheUtilization,
            null,
            "Model Server Protocol KVCacheUtilization: KV-cache tokens reserved by admitted requests over the budget, all devices (0-1).");
        meter.CreateObservableGauge(
            LoraRequestsInfo,
            () => new Measurement<double>(
                started,
                new KeyValuePair<string, object?>("max_lora", "0"),
                new KeyValuePair<string, object?>("running_lora_adapters", ""),
                new KeyValuePair<string, object?>("waiting_lora_adapters", "")),
            null,
            "Model Server Protocol LoRA info, vLLM's label format: no LoRA adapters are served (value: when this was last updated, Unix seconds).");
    }
}
