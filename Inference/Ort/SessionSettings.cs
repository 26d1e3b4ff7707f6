namespace Platform.Inference.Ort;

/// <summary>ORT graph optimisation levels (<c>GraphOptimizationLevel</c>).</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    Layout = 3,
    All = 99,
}

/// <summary>What a session is created with. A CUDA device id asks for the CUDA execution provider (V2 options).</summary>
public sealed record SessionSettings
{
    /// <summary>Threads for one operator; 0 means one per physical core this process may use (<see cref="PhysicalCores"/>).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads across operators; only used with parallel execution, so 1 by default.</summary>
    public int InterOpThreads { get; init; } = 1;

    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>When set, the session runs on this CUDA device; otherwise on the CPU.</summary>
    public int? CudaDeviceId { get; init; }

    /// <summary>Extra CUDA provider options (e.g. from a model's genai_config.json), by their V2 names.</summary>
    public IReadOnlyDictionary<string, string> CudaOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Free-form session config entries (<c>AddSessionConfigEntry</c>).</summary>
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();
}
