namespace Platform.Inference.Models;

/// <summary>The <c>Inference:PrefixCache</c> section: KV blocks of earlier prompts reused by prompts that start the same way.</summary>
public sealed class PrefixCacheOptions
{
    /// <summary>Off, every prompt is prefilled in full (as before the cache).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The cache's cap per device, as a share of the device's KV budget (<see cref="InferenceOptions.MaxKvTokens"/>);
    /// past it the least recently used unused blocks are evicted.
    /// </summary>
    public double Share { get; init; } = 0.5;

    /// <summary>Cached tokens one device may hold: 0 when the cache is off.</summary>
    public long CapTokens(long maxKvTokens) => Enabled ? (long)(Share * maxKvTokens) : 0;
}
