using Platform.Inference.Models;
using Platform.Moderation;
using Platform.Moderation.Onnx;

namespace Platform.Api.Moderations;

/// <summary>
/// The configured ONNX classifier, loaded on first use: it runs on the engine's ONNX Runtime, which is loaded when the
/// host starts (after services are built). A failed load (the runtime not loaded yet, a file briefly unreadable) is
/// tried again on the next call rather than remembered for the life of the process, as <c>Lazy</c> would.
/// </summary>
internal sealed class LazyOnnxClassifier(string directory, ModelRegistry registry) : ITextClassifier, IDisposable
{
    private readonly Lock _lock = new();
    private OnnxTextClassifier? _classifier;

    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));

    public ModerationResult Classify(string text) => Loaded().Classify(text);

    public void Dispose()
    {
        lock (_lock)
        {
            _classifier?.Dispose();
            _classifier = null;
        }
    }

    private OnnxTextClassifier Loaded()
    {
        if (Volatile.Read(ref _classifier) is { } loaded)
        {
            return loaded;
        }

        lock (_lock)
        {
            return _classifier ??= new OnnxTextClassifier(
                registry.Runtime ?? throw new InvalidOperationException("ONNX Runtime is not loaded yet."), directory);
        }
    }
}
