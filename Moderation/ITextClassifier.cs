namespace Platform.Moderation;

/// <summary>Scores texts for every moderation category. Implementations are thread-safe and synchronous (CPU only).</summary>
public interface ITextClassifier
{
    /// <summary>The name reported as the moderation <c>model</c>.</summary>
    string Name { get; }

    ModerationResult Classify(string text);
}
