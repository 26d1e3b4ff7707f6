using Microsoft.Extensions.Logging;
using Platform.Inference.Engine;
using Platform.Inference.Ort;
using Platform.Inference.Templates;
using Platform.Inference.Tokenization;

namespace Platform.Inference.Models;

/// <summary>Turns a model folder into a <see cref="LoadedModel"/>: config, tokenizer, one session per device.</summary>
public sealed partial class ModelLoader(ILoggerFactory loggerFactory, EngineMetrics? metrics = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelLoader>();

    public LoadedModel Load(string directory, OrtRuntime runtime, InferenceOptions options, bool useCuda, Func<long> seedSource)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        var config = GenAiConfigReader.Read(directory);
        ITokenizer tokenizer;
        try
        {
            tokenizer = TokenizerLoader.Load(directory);
        }
        catch (TokenizerLoadException ex)
        {
            throw new ModelLoadException(config.Name, "tokenizer.json", null, ex.Message, ex);
        }

        ModelChatTemplate chatTemplate;
        try
        {
            chatTemplate = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(directory, "tokenizer_config.json"));
        }
        catch (TemplateSyntaxException ex)
        {
            throw new ModelLoadException(config.Name, "tokenizer_config.json", "chat_template", ex.Message, ex);
        }

        var cudaOptions = ProviderOptionsFor(config, useCuda);
        var workers = new List<DeviceWorker>();
        try
        {
            foreach (var device in options.EffectiveDevices)
            {
                var session = CreateSession(config, runtime, options, useCuda ? device : null, cudaOptions);
                try
                {
                    var signature = DecoderSignature.Bind(config, session);
                    var maxKvTokens = KvBudget.Resolve(options, config, signature, KvBudget.AvailableBytes());
                    var limits = new EngineLimits(options.MaxBatchSize, maxKvTokens, options.MaxTokensPerStep, options.KvAdmissionMode) { PrefixCacheTokens = options.PrefixCache.CapTokens(maxKvTokens) };
                    if (workers.Count == 0)
                    {
                        var bytesPerToken = KvBudget.BytesPerToken(signature);
                        var how = options.MaxKvTokens == 0 ? "sized from memory" : "configured";
                        LogKvBudget(_logger, config.Name, limits.MaxKvTokens, bytesPerToken, how, limits.MaxBatchSize);
                    }

                    workers.Add(new DeviceWorker(config, new DecoderRunner(session, signature), device, limits, loggerFactory.CreateLogger<DeviceWorker>(), metrics));
                }
                catch
                {
                    session.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            workers.ForEach(w => w.Dispose());
            throw;
        }

        var pool = new DevicePool(config, workers, seedSource);
        LogLoaded(_logger, config.Name, workers[0].ExecutionProvider, workers.Count, pool.Signature.KvLayout, pool.Signature.KvType, workers[0].Session.IntraOpThreads);
        return new LoadedModel(config, tokenizer, chatTemplate, pool);
    }

    private OrtSession CreateSession(ModelConfig config, OrtRuntime runtime, InferenceOptions options, int? cudaDevice, IReadOnlyDictionary<string, string> cudaOptions)
    {
        var settings = new SessionSettings
        {
            IntraOpThreads = config.SessionOptions.IntraOpThreads ?? options.IntraOpThreads,
            InterOpThreads = config.SessionOptions.InterOpThreads ?? 1,
            ConfigEntries = config.SessionOptions.ConfigEntries,
            CudaDeviceId = cudaDevice,
            CudaOptions = cudaOptions,
        };
        try
        {
            return runtime.CreateSession(config.DecoderPath, settings);
        }
        catch (OrtException ex) when (cudaDevice is not null)
        {
            // The same fallback as at start-up: this model's CUDA session failed, so it runs on the CPU.
            LogModelCudaFallback(_logger, config.Name, ex.OrtMessage);
            return CreateSession(config, runtime, options, null, cudaOptions);
        }
        catch (OrtException ex)
        {
            throw new ModelLoadException(config.Name, Path.GetFileName(config.DecoderPath), null, ex.OrtMessage, ex);
        }
    }

    private Dictionary<string, string> ProviderOptionsFor(ModelConfig config, bool useCuda)
    {
        var cuda = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (provider, values) in config.SessionOptions.ProviderOptions)
        {
            if (provider == "cuda" && useCuda)
            {
                foreach (var (key, value) in values)
                {
                    cuda[key] = value;
                }
            }
            else
            {
                LogProviderOptionsIgnored(_logger, config.Name, provider, useCuda ? "CUDAExecutionProvider" : "CPUExecutionProvider");
            }
        }

        return cuda;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Model {Model} loaded on {Provider} x{Devices} ({Layout} KV, {KvType}, {IntraOpThreads} intra-op threads)")]
    private static partial void LogLoaded(ILogger logger, string model, string provider, int devices, KvLayout layout, TensorElementType kvType, int intraOpThreads);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Model {Model}: KV budget {KvTokens} tokens per device ({BytesPerToken} bytes per token, {How}), batches of up to {MaxBatchSize}")]
    private static partial void LogKvBudget(ILogger logger, string model, long kvTokens, long bytesPerToken, string how, int maxBatchSize);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Model {Model} asks for the {Provider} execution provider, which is not available here; it runs on {Actual}")]
    private static partial void LogProviderOptionsIgnored(ILogger logger, string model, string provider, string actual);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Model {Model}: CUDA session failed ({Reason}); running on the CPU")]
    private static partial void LogModelCudaFallback(ILogger logger, string model, string reason);
}
