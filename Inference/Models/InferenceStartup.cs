using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Inference.Engine;
using Platform.Inference.Ort;
using Platform.Inference.Synthetic;

namespace Platform.Inference.Models;

/// <summary>
/// Start-up of the engine. Loading ONNX Runtime and choosing the execution provider happen before the host
/// starts (a missing library or an unusable <c>cuda</c> stops start-up); models then load in the background,
/// so /healthz answers at once and /readyz turns ready when they are in.
/// </summary>
public sealed partial class InferenceStartup(
    IOptions<InferenceOptions> options,
    ModelRegistry registry,
    ModelLoader loader,
    ExecutionProviderSelector selector,
    SeedSource seeds,
    ILogger<InferenceStartup> logger) : IHostedService
{
    private readonly InferenceOptions _options = options.Value;
    private Task _loading = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var runtime = OrtRuntime.Create();
        LogRuntime(logger, runtime.Version, OrtRuntime.BuildFlavor, runtime.LibraryPath, runtime.AvailableProviders);
        var choice = selector.Choose(runtime, _options);
        registry.SetRuntime(runtime, choice);
        var useCuda = choice.UseCuda;
        EnsureDefaultModel();
        _loading = Task.Run(() => LoadAll(runtime, useCuda), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _loading.WaitAsync(cancellationToken);

    /// <summary>Folders under the models directory that hold a genai_config.json.</summary>
    public static IEnumerable<string> FindModelFolders(string modelsDirectory) =>
        Directory.Exists(modelsDirectory)
            ? Directory.EnumerateDirectories(modelsDirectory)
                .Where(d => File.Exists(Path.Combine(d, GenAiConfigReader.FileName)))
                .Order(StringComparer.Ordinal)
            : [];

    private void EnsureDefaultModel()
    {
        if (!_options.WriteDefaultModel || FindModelFolders(_options.ModelsDirectory).Any())
        {
            return;
        }

        var target = Path.Combine(_options.ModelsDirectory, _options.DefaultModelName);
        LogWritingDefault(logger, target);
        SyntheticModelWriter.Write(target, SyntheticModelSpec.TinyDefault);
    }

    private void LoadAll(OrtRuntime runtime, bool useCuda)
    {
        try
        {
            foreach (var folder in FindModelFolders(_options.ModelsDirectory))
            {
                var name = Path.GetFileName(folder);
                try
                {
                    registry.Add(loader.Load(folder, runtime, _options, useCuda, seeds.Next));
                }
                // Any failure, whatever its type: one bad folder must not stop the others or vanish unlogged in this background task.
                catch (Exception ex)
                {
                    LogModelFailed(logger, ex, name);
                    registry.AddFailure(new ModelFailure(name, ex.Message));
                }
            }
        }
        finally
        {
            registry.MarkLoaded();
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "ONNX Runtime {Version} ({Flavor} build) loaded from {Path} (providers: {Providers})")]
    private static partial void LogRuntime(ILogger logger, string version, string flavor, string path, IReadOnlyList<string> providers);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "No model under the models directory; writing the built-in model to {Path}")]
    private static partial void LogWritingDefault(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Model {Model} could not be loaded; the other models keep serving")]
    private static partial void LogModelFailed(ILogger logger, Exception exception, string model);
}
