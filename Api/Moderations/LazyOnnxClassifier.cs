using Platform.Inference.Models;
using Platform.Moderation;
using Platform.Moderation.Onnx;

namespace Platform.Api.Moderations;

/// <summary>
/// The configured ONNX classifier, loaded on first use: it runs on the engine's ONNX Runtime, which is loaded when the
/// host starts (after services are built).
/// </summary>
internal sealed class LazyOnnxClassifier(string directory, ModelRegistry registry) : ITextClassifier, IDisposable
{
    private readonly Lazy<OnnxTextClassifier> _classifier = new(() => new OnnxTextClassifier(
        registry.Runtime ?? throw new InvalidOperationException("ONNX Runtime is not loaded yet."), directory));

    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));

    public ModerationResult Classify(string text) => _classifier.Value.Classify(text);

    public void Dispose()
    {
        if (_classifier.IsValueCreated)
        {
            _classifier.Value.Dispose();
        }
    }
}
