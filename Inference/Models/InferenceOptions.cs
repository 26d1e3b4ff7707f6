using System.ComponentModel.DataAnnotations;

namespace Platform.Inference.Models;

/// <summary>Where a session runs: <c>auto</c> tries CUDA and falls back to the CPU with a warning.</summary>
public enum ExecutionProviderPreference
{
    Auto,
    Cuda,
    Cpu,
}

/// <summary>The <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string SectionName = "Inference";

    /// <summary>Every subfolder holding a genai_config.json is served under the folder's name.</summary>
    [Required]
    public string ModelsDirectory { get; init; } = "models";

    /// <summary>
    /// Retired: ONNX Runtime now comes from NuGet with the build (CPU, or CUDA with <c>-p:OnnxRuntimeFlavor=cuda</c>).
    /// Kept only so that a configuration still setting it fails start-up instead of being silently ignored.
    /// </summary>
    public string? OnnxRuntimePath { get; init; }

    public ExecutionProviderPreference ExecutionProvider { get; init; } = ExecutionProviderPreference.Auto;

    /// <summary>
    /// One session per device id (CUDA device ids; on the CPU, each id is one more session). Empty means [0]:
    /// a non-empty default would be appended to, not replaced, by configuration binding.
    /// </summary>
    public IReadOnlyList<int> Devices { get; init; } = [];

    public IReadOnlyList<int> EffectiveDevices => Devices.Count == 0 ? [0] : Devices;

    /// <summary>ORT intra-op threads per session; 0 means one per physical core available. A model's own session_options win when set.</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; init; }

    /// <summary>Sequences one device decodes at once (one batched step); admission never reserves more.</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>
    /// KV-cache tokens one device may hold for its sequences (see <see cref="KvAdmission"/> for how they are counted);
    /// 0 sizes it from the model's KV bytes per token and the memory available (logged at start-up).
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxKvTokens { get; init; }

    /// <summary>
    /// <c>on-demand</c> (default): admission counts a sequence's prompt plus one 16-token block, and a sequence takes
    /// more blocks as it grows, preempting the most recently admitted one when the budget runs out.
    /// <c>reserve</c>: admission counts prompt + max tokens, held until the sequence leaves (no growth, no preemption).
    /// </summary>
    [Required]
    public string KvAdmission { get; init; } = "on-demand";

    /// <summary><see cref="KvAdmission"/> parsed; validation has rejected anything else.</summary>
    public Engine.KvAdmission KvAdmissionMode =>
        string.Equals(KvAdmission, "reserve", StringComparison.OrdinalIgnoreCase) ? Engine.KvAdmission.Reserve : Engine.KvAdmission.OnDemand;

    /// <summary>
    /// Tokens one scheduler step processes at most, shared by decode and prefill: each running sequence's next token
    /// counts first, prompts are prefilled in what is left (a long prompt in chunks, at least one token a step).
    /// </summary>
    [Range(1, 1 << 20)]
    public int MaxTokensPerStep { get; init; } = 2048;

    /// <summary>Write the built-in model into the models directory when it holds no model.</summary>
    public bool WriteDefaultModel { get; init; } = true;

    /// <summary>The folder name the built-in model is written under.</summary>
    [Required]
    public string DefaultModelName { get; init; } = "tiny-default";

    /// <summary>The prefix cache: on by default, capped at a share of each device's KV budget.</summary>
    public PrefixCacheOptions PrefixCache { get; init; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Devices.Any(d => d < 0) || Devices.Distinct().Count() != Devices.Count)
        {
            yield return new ValidationResult("Inference:Devices must hold distinct non-negative device ids.", [nameof(Devices)]);
        }

        if (!string.IsNullOrWhiteSpace(OnnxRuntimePath))
        {
            yield return new ValidationResult(
                "Inference:OnnxRuntimePath is no longer used: ONNX Runtime comes from NuGet with the build (build with -p:OnnxRuntimeFlavor=cuda for the CUDA library). Remove the setting.",
                [nameof(OnnxRuntimePath)]);
        }

        if (!string.Equals(KvAdmission, "on-demand", StringComparison.OrdinalIgnoreCase) && !string.Equals(KvAdmission, "reserve", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult("Inference:KvAdmission must be on-demand or reserve.", [nameof(KvAdmission)]);
        }

        if (PrefixCache is null || !(PrefixCache.Share > 0 && PrefixCache.Share <= 1))
        {
            yield return new ValidationResult("Inference:PrefixCache:Share must be a number in (0, 1]: the cache's share of each device's KV budget.", [nameof(PrefixCache)]);
        }

        if (!Enum.IsDefined(ExecutionProvider))
        {
            yield return new ValidationResult("Inference:ExecutionProvider must be auto, cuda or cpu.", [nameof(ExecutionProvider)]);
        }
    }
}
