namespace Platform.Inference.Engine;

/// <summary>One device's scheduling limits, resolved from the options and the model at load time.</summary>
public sealed record EngineLimits(int MaxBatchSize, long MaxKvTokens, int MaxTokensPerStep, KvAdmission KvAdmission = KvAdmission.OnDemand)
{
    /// <summary>Tokens the device's prefix cache may hold; 0 means no cache.</summary>
    public long PrefixCacheTokens { get; init; }
}
