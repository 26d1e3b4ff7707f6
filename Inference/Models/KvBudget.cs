using Platform.Inference.Ort;

namespace Platform.Inference.Models;

/// <summary>Sizes a device's KV-cache budget when <see cref="InferenceOptions.MaxKvTokens"/> is 0.</summary>
public static class KvBudget
{
    /// <summary>Share of the available memory the KV caches of all devices may take; the rest is weights, activations and padding.</summary>
    public const double MemoryShare = 0.4;

    /// <summary>Bytes one position occupies across every layer's keys and values.</summary>
    public static long BytesPerToken(DecoderSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var perTensor = (long)signature.KvHeads * signature.HeadSize * signature.KvType.SizeInBytes();
        var keyAndValue = signature.KvLayout == KvLayout.Combined ? 2 : 1;
        return perTensor * keyAndValue * signature.PastNames.Count;
    }

    /// <summary>
    /// The configured budget, or <see cref="MemoryShare"/> of <paramref name="availableBytes"/> split over the devices;
    /// never more than a full batch of full contexts, never less than one full context.
    /// </summary>
    public static long Resolve(InferenceOptions options, ModelConfig config, DecoderSignature signature, long availableBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(config);
        if (options.MaxKvTokens > 0)
        {
            return options.MaxKvTokens;
        }

        var fromMemory = (long)(availableBytes * MemoryShare / options.EffectiveDevices.Count / BytesPerToken(signature));
        var fullBatch = (long)options.MaxBatchSize * config.ContextLength;
        return Math.Max(config.ContextLength, Math.Min(fromMemory, fullBatch));
    }

    /// <summary>What the process may use: physical memory, or the container's limit.</summary>
    public static long AvailableBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
