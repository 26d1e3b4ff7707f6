using System.Runtime.InteropServices;

namespace Platform.Inference.Native;

/// <summary>
/// One loaded ONNX Runtime library: its function table, the process-wide environment and the CPU memory
/// description that our tensors use. Create one per process (ORT's environment is a singleton anyway).
/// </summary>
public sealed unsafe class OrtRuntime : IDisposable
{
    private readonly OrtEnvHandle _env;
    private readonly OrtMemoryInfoHandle _cpuMemory;
    private readonly nint _defaultAllocator;

    private OrtRuntime(string libraryPath, OrtApi api, string version)
    {
        LibraryPath = libraryPath;
        Api = api;
        Version = version;

        nint env;
        fixed (byte* logId = "platform\0"u8)
        {
            api.Check(api.CreateEnv(OrtLoggingLevelWarning, logId, &env));
        }

        _env = new OrtEnvHandle(api, env);

        nint memoryInfo;
        api.Check(api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memoryInfo));
        _cpuMemory = new OrtMemoryInfoHandle(api, memoryInfo);

        nint allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        _defaultAllocator = allocator;
        AvailableProviders = ReadAvailableProviders(api);
    }

    private const int OrtLoggingLevelWarning = 2;
    private const int OrtArenaAllocator = 1;
    private const int OrtMemTypeDefault = 0;

    /// <summary>The library file this runtime was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>ORT's own version string, e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>Execution providers compiled into this build, e.g. CPUExecutionProvider, CUDAExecutionProvider.</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    internal OrtApi Api { get; }

    internal nint CpuMemoryInfo => _cpuMemory.DangerousGetHandle();

    internal nint DefaultAllocator => _defaultAllocator;

    internal nint Env => _env.DangerousGetHandle();

    /// <summary>Loads ONNX Runtime from an absolute path, so a different copy on the loader path can never win.</summary>
    public static OrtRuntime Load(string libraryPath)
    {
        var fullPath = Path.GetFullPath(libraryPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX Runtime library not found at '{fullPath}'. Run ./run.sh or ./test.sh once to install it, or set Inference:OnnxRuntimePath.", fullPath);
        }

        var library = NativeLibrary.Load(fullPath);
        var getApiBase = (delegate* unmanaged[Cdecl]<nint>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();

        // OrtApiBase is { GetApi(uint32_t), GetVersionString(void) }.
        var getApi = (delegate* unmanaged[Cdecl]<uint, nint>)Marshal.ReadIntPtr(apiBase, 0);
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)Marshal.ReadIntPtr(apiBase, IntPtr.Size);
        var version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "unknown";
        var table = getApi(OrtApiIndex.RequestedApiVersion);
        if (table == 0)
        {
            throw new InvalidOperationException($"ONNX Runtime {version} at '{fullPath}' does not serve C API version {OrtApiIndex.RequestedApiVersion}.");
        }

        return new OrtRuntime(fullPath, new OrtApi(table), version);
    }

    /// <summary>Creates a session for a model file with the given settings.</summary>
    public OrtSession CreateSession(string modelPath, SessionSettings settings) => OrtSession.Create(this, modelPath, settings);

    /// <summary>
    /// Whether this build can run on the given CUDA device: null if so, else why not (a CPU-only build says
    /// "CUDA execution provider is not enabled in this build"; a GPU build without CUDA libraries names the missing one).
    /// </summary>
    public string? ProbeCuda(int deviceId) =>
        AvailableProviders.Contains("CUDAExecutionProvider")
            ? OrtSession.ProbeCuda(this, deviceId)
            : $"this ONNX Runtime build has no CUDA execution provider (available: {string.Join(", ", AvailableProviders)})";

    internal void FreeWithDefaultAllocator(void* pointer) => Api.Check(Api.AllocatorFree(_defaultAllocator, pointer));

    public void Dispose()
    {
        _cpuMemory.Dispose();
        _env.Dispose();
    }

    private static string[] ReadAvailableProviders(OrtApi api)
    {
        byte** names;
        int count;
        api.Check(api.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
            }

            return result;
        }
        finally
        {
            api.Check(api.ReleaseAvailableProviders(names, count));
        }
    }
}
