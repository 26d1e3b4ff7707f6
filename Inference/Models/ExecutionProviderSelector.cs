using Microsoft.Extensions.Logging;
using Platform.Inference.Ort;

namespace Platform.Inference.Models;

/// <summary>
/// Decides once, at start-up, whether sessions run on CUDA or the CPU. <c>auto</c> falls back to the CPU with a
/// single warning; <c>cuda</c> without a usable CUDA provider stops start-up with the reason.
/// </summary>
public sealed partial class ExecutionProviderSelector(ILogger<ExecutionProviderSelector> logger)
{
    public bool UseCuda(OrtRuntime runtime, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ExecutionProvider == ExecutionProviderPreference.Cpu)
        {
            return false;
        }

        var problem = options.EffectiveDevices.Select(runtime.ProbeCuda).FirstOrDefault(p => p is not null);
        if (problem is null)
        {
            return true;
        }

        if (options.ExecutionProvider == ExecutionProviderPreference.Cuda)
        {
            throw new InvalidOperationException(
                $"Inference:ExecutionProvider is 'cuda', but CUDA cannot be used: {problem}. ONNX Runtime {runtime.Version} was loaded from '{runtime.LibraryPath}'. " +
                "Install a GPU build (see README, 'GPU hosts') or set Inference:ExecutionProvider to auto or cpu.");
        }

        LogCudaFallback(logger, problem);
        return false;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "CUDA execution provider unavailable ({Reason}); running on the CPU")]
    private static partial void LogCudaFallback(ILogger logger, string reason);
}
