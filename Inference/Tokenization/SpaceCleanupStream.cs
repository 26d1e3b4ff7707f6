namespace Platform.Inference.Tokenization;

/// <summary>
/// Applies <see cref="SpaceCleaner.Clean"/> to text arriving in pieces: text is held back until a position that
/// no later text can change (a safe boundary), so the output equals cleaning the whole text at once.
/// </summary>
internal sealed class SpaceCleanupStream
{
    private string _pending;
    private int _promptCharsLeft;

    /// <param name="rawPrompt">The uncleaned text before the streamed part; its cleaned form is not emitted.</param>
    public SpaceCleanupStream(string rawPrompt)
    {
        var boundary = SpaceCleaner.LastSafeBoundary(rawPrompt);
        _pending = rawPrompt[boundary..];

        // The caller wants Clean(prompt + stream) minus Clean(prompt): that many cleaned characters still belong to the prompt.
        _promptCharsLeft = SpaceCleaner.Clean(_pending).Length;
    }

    public string Push(string raw)
    {
        if (raw.Length == 0)
        {
            return string.Empty;
        }

        _pending = string.Concat(_pending, raw);
        var boundary = SpaceCleaner.LastSafeBoundary(_pending);
        if (boundary == 0)
        {
            return string.Empty;
        }

        var cleaned = SpaceCleaner.Clean(_pending[..boundary]);
        _pending = _pending[boundary..];
        return WithoutPrompt(cleaned);
    }

    public string Flush()
    {
        var cleaned = SpaceCleaner.Clean(_pending);
        _pending = string.Empty;
        return WithoutPrompt(cleaned);
    }

    private string WithoutPrompt(string cleaned)
    {
        if (_promptCharsLeft >= cleaned.Length)
        {
            _promptCharsLeft -= cleaned.Length;
            return string.Empty;
        }

        var output = cleaned[_promptCharsLeft..];
        _promptCharsLeft = 0;
        return output;
    }
}
