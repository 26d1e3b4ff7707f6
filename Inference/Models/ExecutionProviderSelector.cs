using Microsoft.Extensions.Logging;
using Platform.Inference.Ort;

namespace Platform.Inference.Models;

/// <summary>
/// Decides once, at start-up, whether sessions run on CUDA or the CPU by really appending the CUDA provider
/// (the build's list of available providers names CUDA even when its libraries cannot load). <c>auto</c> falls
/// back to the CPU with a single warning naming the cause; <c>cuda</c> without a usable CUDA provider stops
/// start-up with that cause.
/// </summary>
public sealed partial class ExecutionProviderSelector(ILogger<ExecutionProviderSelector> logger)
{
    public ExecutionProviderChoice Choose(OrtRuntime runtime, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ExecutionProvider == ExecutionProviderPreference.Cpu)
        {
            return new ExecutionProviderChoice(options.ExecutionProvider, ExecutionProviderChoice.Cpu, null);
        }

        var problem = options.EffectiveDevices
            .Select(device => runtime.ProbeCuda(device) is { } reason ? $"device {device}: {reason}" : null)
            .FirstOrDefault(p => p is not null);
        if (problem is null)
        {
            return new ExecutionProviderChoice(options.ExecutionProvider, ExecutionProviderChoice.Cuda, null);
        }

        if (options.ExecutionProvider == ExecutionProviderPreference.Cuda)
        {
            throw new InvalidOperationException(
                $"Inference:ExecutionProvider is 'cuda', but CUDA cannot be used: {problem}. ONNX Runtime {runtime.Version} " +
                $"(build flavour '{OrtRuntime.BuildFlavor}') was loaded from '{runtime.LibraryPath}'. " +
                "See docs/deployment.md, 'GPU hosts', or set Inference:ExecutionProvider to auto or cpu.");
        }

        LogCudaFallback(logger, problem);
        return new ExecutionProviderChoice(options.ExecutionProvider, ExecutionProviderChoice.Cpu, problem);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "CUDA execution provider unavailable ({Reason}); running on the CPU")]
    private static partial void LogCudaFallback(ILogger logger, string reason);
}
