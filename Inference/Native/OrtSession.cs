using System.Runtime.InteropServices;

namespace Platform.Inference.Native;

/// <summary>
/// One ORT inference session. ORT claims <c>Run</c> is thread-safe, but other bindings saw allocator races,
/// so the engine gives each session a single owner that runs one step at a time.
/// </summary>
public sealed unsafe class OrtSession : IDisposable
{
    private readonly OrtRuntime _runtime;
    private readonly OrtSessionHandle _session;
    private readonly NativeStrings _nameStrings = new();
    private readonly Dictionary<string, nint> _inputNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, nint> _outputNames = new(StringComparer.Ordinal);

    private OrtSession(OrtRuntime runtime, OrtSessionHandle session, string executionProvider)
    {
        _runtime = runtime;
        _session = session;
        ExecutionProvider = executionProvider;
        Inputs = ReadInfos(isInput: true);
        Outputs = ReadInfos(isInput: false);
        foreach (var input in Inputs)
        {
            _inputNames[input.Name] = (nint)_nameStrings.Add(input.Name);
        }

        foreach (var output in Outputs)
        {
            _outputNames[output.Name] = (nint)_nameStrings.Add(output.Name);
        }
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>"CUDAExecutionProvider" or "CPUExecutionProvider": where this session's nodes were asked to run.</summary>
    public string ExecutionProvider { get; }

    public OrtRuntime Runtime => _runtime;

    internal static OrtSession Create(OrtRuntime runtime, string modelPath, SessionSettings settings)
    {
        var api = runtime.Api;
        nint optionsPtr;
        api.Check(api.CreateSessionOptions(&optionsPtr));
        using var options = new OrtSessionOptionsHandle(api, optionsPtr);
        using var strings = new NativeStrings();
        api.Check(api.SetIntraOpNumThreads(optionsPtr, settings.IntraOpThreads));
        api.Check(api.SetInterOpNumThreads(optionsPtr, settings.InterOpThreads));
        api.Check(api.SetSessionGraphOptimizationLevel(optionsPtr, (int)settings.OptimizationLevel));
        foreach (var (key, value) in settings.ConfigEntries)
        {
            api.Check(api.AddSessionConfigEntry(optionsPtr, strings.Add(key), strings.Add(value)));
        }

        var provider = "CPUExecutionProvider";
        if (settings.CudaDeviceId is { } deviceId)
        {
            AppendCuda(api, optionsPtr, deviceId, settings.CudaOptions);
            provider = "CUDAExecutionProvider";
        }

        nint sessionPtr;
        api.Check(api.CreateSession(runtime.Env, strings.Add(modelPath), optionsPtr, &sessionPtr));
        return new OrtSession(runtime, new OrtSessionHandle(api, sessionPtr), provider);
    }

    /// <summary>
    /// Runs the model. Inputs are read in place; every requested output is allocated by ORT and owned by the caller.
    /// <paramref name="quiet"/> keeps ORT from logging a failure of this run (a probe that is expected to fail).
    /// </summary>
    public OrtTensor[] Run(ReadOnlySpan<string> inputNames, ReadOnlySpan<OrtTensor> inputs, ReadOnlySpan<string> outputNames, bool quiet = false)
    {
        if (inputNames.Length != inputs.Length)
        {
            throw new ArgumentException("Each input needs a name.", nameof(inputs));
        }

        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        var api = _runtime.Api;
        var inNames = stackalloc byte*[inputs.Length];
        var inValues = stackalloc nint[inputs.Length];
        var outNames = stackalloc byte*[outputNames.Length];
        var outValues = stackalloc nint[outputNames.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inNames[i] = (byte*)Lookup(_inputNames, inputNames[i], "input");
            inValues[i] = inputs[i].Handle;
        }

        for (var i = 0; i < outputNames.Length; i++)
        {
            outNames[i] = (byte*)Lookup(_outputNames, outputNames[i], "output");
            outValues[i] = 0;
        }

        nint runOptions = 0;
        try
        {
            if (quiet)
            {
                api.Check(api.CreateRunOptions(&runOptions));
                api.Check(api.RunOptionsSetRunLogSeverityLevel(runOptions, FatalSeverity));
            }

            api.Check(api.Run(_session.DangerousGetHandle(), runOptions, inNames, inValues, (nuint)inputs.Length, outNames, (nuint)outputNames.Length, outValues));
        }
        finally
        {
            if (runOptions != 0)
            {
                api.ReleaseRunOptions(runOptions);
            }
        }

        GC.KeepAlive(this);

        var results = new OrtTensor[outputNames.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = OrtTensor.FromOrtValue(api, outValues[i]);
        }

        return results;
    }

    private const int FatalSeverity = 4;

    public void Dispose()
    {
        _session.Dispose();
        _nameStrings.Dispose();
    }

    private static nint Lookup(Dictionary<string, nint> names, string name, string kind) =>
        names.TryGetValue(name, out var pointer)
            ? pointer
            : throw new ArgumentException($"The model has no {kind} named '{name}'.", nameof(name));

    /// <summary>Null when a CUDA session could be configured for the device here; otherwise ORT's reason.</summary>
    internal static string? ProbeCuda(OrtRuntime runtime, int deviceId)
    {
        var api = runtime.Api;
        nint optionsPtr;
        api.Check(api.CreateSessionOptions(&optionsPtr));
        using var options = new OrtSessionOptionsHandle(api, optionsPtr);
        try
        {
            AppendCuda(api, optionsPtr, deviceId, new Dictionary<string, string>());
            return null;
        }
        catch (OrtException ex)
        {
            return ex.OrtMessage;
        }
    }

    private static void AppendCuda(OrtApi api, nint options, int deviceId, IReadOnlyDictionary<string, string> extra)
    {
        nint cudaOptions;
        api.Check(api.CreateCudaProviderOptions(&cudaOptions));
        try
        {
            var all = new Dictionary<string, string>(extra, StringComparer.Ordinal) { ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            using var strings = new NativeStrings();
            var keys = stackalloc byte*[all.Count];
            var values = stackalloc byte*[all.Count];
            var i = 0;
            foreach (var (key, value) in all)
            {
                keys[i] = strings.Add(key);
                values[i] = strings.Add(value);
                i++;
            }

            api.Check(api.UpdateCudaProviderOptions(cudaOptions, keys, values, (nuint)all.Count));
            api.Check(api.SessionOptionsAppendExecutionProviderCudaV2(options, cudaOptions));
        }
        finally
        {
            api.ReleaseCudaProviderOptions(cudaOptions);
        }
    }

    private TensorInfo[] ReadInfos(bool isInput)
    {
        var api = _runtime.Api;
        var session = _session.DangerousGetHandle();
        nuint count;
        api.Check(isInput ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var infos = new TensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePtr;
            api.Check(isInput
                ? api.SessionGetInputName(session, i, _runtime.DefaultAllocator, &namePtr)
                : api.SessionGetOutputName(session, i, _runtime.DefaultAllocator, &namePtr));
            var name = Marshal.PtrToStringUTF8((nint)namePtr) ?? string.Empty;
            _runtime.FreeWithDefaultAllocator(namePtr);

            nint typeInfo;
            api.Check(isInput ? api.SessionGetInputTypeInfo(session, i, &typeInfo) : api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                infos[(int)i] = ReadTensorInfo(api, name, typeInfo);
            }
            finally
            {
                api.ReleaseTypeInfo(typeInfo);
            }
        }

        return infos;
    }

    private static TensorInfo ReadTensorInfo(OrtApi api, string name, nint typeInfo)
    {
        nint tensorInfo;
        api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        if (tensorInfo == 0)
        {
            // Not a tensor (a sequence or map): decoders never have these, but report rather than crash.
            return new TensorInfo(name, TensorElementType.Undefined, []);
        }

        var (type, dims) = api.ReadTypeAndShape(tensorInfo);
        return new TensorInfo(name, type, dims);
    }
}
