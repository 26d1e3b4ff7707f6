namespace Platform.Inference.Models;

/// <summary>
/// Where sessions run, decided once at start-up: the setting asked for, the provider used, and why CUDA was not
/// used when it was tried (null otherwise).
/// </summary>
public sealed record ExecutionProviderChoice(ExecutionProviderPreference Requested, string ExecutionProvider, string? FallbackReason)
{
    public const string Cuda = "CUDAExecutionProvider";
    public const string Cpu = "CPUExecutionProvider";

    public bool UseCuda => ExecutionProvider == Cuda;
}
