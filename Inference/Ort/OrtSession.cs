using Microsoft.ML.OnnxRuntime;
using OrtGraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel;

namespace Platform.Inference.Ort;

/// <summary>
/// One ORT inference session. ORT claims <c>Run</c> is thread-safe, but other bindings saw allocator races,
/// so the engine gives each session a single owner that runs one step at a time.
/// </summary>
public sealed class OrtSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly HashSet<string> _inputNames;
    private readonly HashSet<string> _outputNames;
    private readonly RunOptions _quietRun = new() { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
    private readonly RunOptions _run = new();
    private readonly SessionArena _arena;
    private int _disposed;

    private OrtSession(OrtRuntime runtime, InferenceSession session, string executionProvider, int intraOpThreads)
    {
        Runtime = runtime;
        IntraOpThreads = intraOpThreads;
        _session = session;
        _arena = new SessionArena(session);
        ExecutionProvider = executionProvider;
        Inputs = ReadInfos(session.InputNames, session.InputMetadata);
        Outputs = ReadInfos(session.OutputNames, session.OutputMetadata);
        _inputNames = [.. session.InputNames];
        _outputNames = [.. session.OutputNames];
    }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>"CUDAExecutionProvider" or "CPUExecutionProvider": where this session's nodes were asked to run.</summary>
    public string ExecutionProvider { get; }

    public OrtRuntime Runtime { get; }

    /// <summary>Threads one operator may use: the settings' count, or the physical cores available when that was 0.</summary>
    public int IntraOpThreads { get; }

    internal static OrtSession Create(OrtRuntime runtime, string modelPath, SessionSettings settings)
    {
        var intraOpThreads = settings.IntraOpThreads > 0 ? settings.IntraOpThreads : PhysicalCores.Available();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = settings.InterOpThreads,
            GraphOptimizationLevel = (OrtGraphOptimizationLevel)(int)settings.OptimizationLevel,
        };
        try
        {
            foreach (var (key, value) in settings.ConfigEntries)
            {
                options.AddSessionConfigEntry(key, value);
            }

            var provider = "CPUExecutionProvider";
            if (settings.CudaDeviceId is { } deviceId)
            {
                if (TryAppendCuda(options, deviceId, settings.CudaOptions) is { } problem)
                {
                    throw new OrtException(OrtErrorCode.ExecutionProviderFail, problem);
                }

                provider = "CUDAExecutionProvider";
            }

            return new OrtSession(runtime, new InferenceSession(modelPath, options), provider, intraOpThreads);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    /// <summary>
    /// Runs the model. Inputs are read in place; every requested output is allocated by ORT and owned by the caller.
    /// <paramref name="quiet"/> keeps ORT from logging a failure of this run (a probe that is expected to fail).
    /// </summary>
    public OrtTensor[] Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtTensor> inputs, IReadOnlyList<string> outputNames, bool quiet = false)
    {
        CheckNames(inputNames, inputs, outputNames);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = _session.Run(quiet ? _quietRun : _run, (IReadOnlyCollection<string>)inputNames, Values(inputs), (IReadOnlyCollection<string>)outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }

        // Each output becomes one tensor that owns it; the collection itself holds nothing else.
        var results = new OrtTensor[outputs.Count];
        var index = 0;
        foreach (var output in outputs)
        {
            results[index++] = OrtTensor.Adopt(output);
        }

        return results;
    }

    /// <summary>
    /// Runs the model into outputs the caller allocated, each of exactly the shape the model will produce: ORT writes
    /// them in place instead of allocating, and no output has to be wrapped and queried afterwards: a bare decode
    /// loop writing its presents into reused buffers ran 11% faster than one taking ORT's outputs on tiny-random-gpt2
    /// (docs/benchmarks.md).
    /// </summary>
    public void Run(IReadOnlyList<string> inputNames, IReadOnlyList<OrtTensor> inputs, IReadOnlyList<string> outputNames, IReadOnlyList<OrtTensor> outputs)
    {
        CheckNames(inputNames, inputs, outputNames);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputNames.Count != outputs.Count)
        {
            throw new ArgumentException("Each output needs a name.", nameof(outputs));
        }

        try
        {
            _session.Run(_run, (IReadOnlyCollection<string>)inputNames, Values(inputs), (IReadOnlyCollection<string>)outputNames, Values(outputs));
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    /// <summary>A binding of this session's inputs and outputs to tensors, for <see cref="Run(OrtBinding)"/>.</summary>
    public OrtBinding CreateBinding()
    {
        try
        {
            return new OrtBinding(this, _session.CreateIoBinding());
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    /// <summary>
    /// Runs the model on the bound tensors, writing the bound outputs in place: nothing managed is allocated, so a
    /// decode step whose tensors keep their shapes costs the garbage collector nothing.
    /// </summary>
    public void Run(OrtBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        try
        {
            _session.RunWithBinding(_run, binding.Native);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    /// <summary>
    /// A zero-filled tensor from the session's own allocator: the arena its outputs come from, which keeps what it
    /// allocated for reuse. KV tensors the engine re-packs every few steps (hundreds of MB a minute) cost page faults
    /// when the C allocator gives them back to the system and maps them again; from the arena they do not. A session
    /// that offers no CPU allocator gets memory of ours, as <see cref="OrtTensor.Allocate"/> gives.
    /// </summary>
    public OrtTensor AllocateFromArena(TensorElementType elementType, ReadOnlySpan<long> shape) => AllocateFromArena(elementType, shape, zeroed: true);

    /// <summary>
    /// As <see cref="AllocateFromArena(TensorElementType, ReadOnlySpan{long})"/>; <paramref name="zeroed"/> false
    /// leaves the data as the arena had it, for a buffer that is written whole before it is read.
    /// </summary>
    public OrtTensor AllocateFromArena(TensorElementType elementType, ReadOnlySpan<long> shape, bool zeroed)
    {
        try
        {
            if (_arena.TryAllocate(elementType, shape.ToArray()) is not { } value)
            {
                return OrtTensor.Allocate(Runtime, elementType, shape);
            }

            var tensor = OrtTensor.Adopt(value, _arena);
            if (zeroed)
            {
                tensor.Clear();
            }

            return tensor;
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        _arena.ReleaseSession();
        _run.Dispose();
        _quietRun.Dispose();
    }

    /// <summary>Null when CUDA was appended to <paramref name="options"/>; otherwise ORT's reason.</summary>
    internal static string? TryAppendCuda(SessionOptions options, int deviceId, IReadOnlyDictionary<string, string> extra)
    {
        try
        {
            // The options route (not the device-id overload) puts ORT's cause, e.g. the missing libcublasLt.so.13, into the message.
            using var cuda = new OrtCUDAProviderOptions();
            var all = new Dictionary<string, string>(extra, StringComparer.Ordinal) { ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            cuda.UpdateOptions(all);
            options.AppendExecutionProvider_CUDA(cuda);
            return null;
        }
        catch (OnnxRuntimeException ex)
        {
            return ex.Message.Trim();
        }
        catch (EntryPointNotFoundException)
        {
            return $"this ONNX Runtime build (flavour '{OrtRuntime.BuildFlavor}', package Microsoft.ML.OnnxRuntime) has no CUDA execution provider; build with -p:OnnxRuntimeFlavor=cuda";
        }
    }

    private void CheckNames(IReadOnlyList<string> inputNames, IReadOnlyList<OrtTensor> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        if (inputNames.Count != inputs.Count)
        {
            throw new ArgumentException("Each input needs a name.", nameof(inputs));
        }

        Require(_inputNames, inputNames, "input");
        Require(_outputNames, outputNames, "output");
    }

    internal void RequireInput(string name) => Require(_inputNames, [name], "input");

    internal void RequireOutput(string name) => Require(_outputNames, [name], "output");

    private static OrtValue[] Values(IReadOnlyList<OrtTensor> tensors)
    {
        var values = new OrtValue[tensors.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = tensors[i].Value;
        }

        return values;
    }

    private static void Require(HashSet<string> known, IReadOnlyList<string> names, string kind)
    {
        foreach (var name in names)
        {
            if (!known.Contains(name))
            {
                throw new ArgumentException($"The model has no {kind} named '{name}'.", nameof(names));
            }
        }
    }

    private static TensorInfo[] ReadInfos(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var infos = new TensorInfo[names.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            var node = metadata[names[i]];

            // Not a tensor (a sequence or map): decoders never have these, but report rather than crash.
            infos[i] = node.IsTensor
                ? new TensorInfo(names[i], (TensorElementType)(int)node.ElementDataType, [.. node.Dimensions.Select(d => (long)d)])
                : new TensorInfo(names[i], TensorElementType.Undefined, []);
        }

        return infos;
    }
}
