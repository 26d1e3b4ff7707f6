using System.Reflection;
using Microsoft.ML.OnnxRuntime;

namespace Platform.Inference.Ort;

/// <summary>
/// The ONNX Runtime this build carries (from NuGet: <c>Microsoft.ML.OnnxRuntime</c> or, with
/// <c>-p:OnnxRuntimeFlavor=cuda</c>, <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c>): its process-wide environment and
/// the CPU memory description our tensors use. Create one per process (ORT's environment is a singleton anyway).
/// </summary>
public sealed class OrtRuntime : IDisposable
{
    private OrtRuntime(OrtEnv env)
    {
        Env = env;
        Version = env.GetVersionString();
        AvailableProviders = env.GetAvailableProviders();
        LibraryPath = FindLoadedLibrary() ?? "libonnxruntime.so";
    }

    /// <summary>"cpu" or "cuda": which native package this build was made with (the OnnxRuntimeFlavor property).</summary>
    public static string BuildFlavor { get; } =
        typeof(OrtRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "OnnxRuntimeFlavor")?.Value ?? "cpu";

    /// <summary>The library file ORT was loaded from (read from the process's memory map).</summary>
    public string LibraryPath { get; }

    /// <summary>ORT's own version string, e.g. "1.31.1".</summary>
    public string Version { get; }

    /// <summary>
    /// Execution providers compiled into this build. A GPU build lists CUDA even when CUDA cannot load, so this
    /// is for logs only: <see cref="ProbeCuda"/> decides.
    /// </summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    internal OrtEnv Env { get; }

    internal static OrtMemoryInfo CpuMemory => OrtMemoryInfo.DefaultInstance;

    /// <summary>Creates (or joins) the process's ORT environment.</summary>
    public static OrtRuntime Create()
    {
        try
        {
            return new OrtRuntime(OrtEnv.Instance());
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    /// <summary>Creates a session for a model file with the given settings.</summary>
    public OrtSession CreateSession(string modelPath, SessionSettings settings) => OrtSession.Create(this, modelPath, settings);

    /// <summary>
    /// Whether this build can run on the given CUDA device: null if so, else why not. Appending the provider is
    /// the real test: a GPU build without CUDA 13 fails there naming the missing library, a CPU build has no
    /// CUDA entry point at all.
    /// </summary>
    public string? ProbeCuda(int deviceId)
    {
        ObjectDisposedException.ThrowIf(Env.IsInvalid, this);
        using var options = new SessionOptions();
        return OrtSession.TryAppendCuda(options, deviceId, new Dictionary<string, string>());
    }

    // The environment is process-wide and ORT tears it down at exit; nothing of ours to release.
    public void Dispose()
    {
    }

    private static string? FindLoadedLibrary()
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : null)
                .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith("libonnxruntime.so", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
