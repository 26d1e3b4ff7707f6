namespace Platform.Inference.Tokenization;

/// <summary>
/// Turns generated token ids into text as they arrive. Everything returned by <see cref="Push"/> and
/// <see cref="Flush"/>, concatenated, equals <c>Decode(prompt + generated)</c> with <c>Decode(prompt)</c> cut off the
/// front. A character whose UTF-8 bytes are still arriving is held back rather than shown as U+FFFD.
/// Not thread-safe: one instance follows one generation.
/// </summary>
/// <remarks>
/// Only a short window of ids is decoded per token (the prefix/read offsets of vLLM's incremental detokenizer):
/// context tokens whose text was already handed out, then the new ones. The context makes decoders that treat
/// the start of the text specially (Strip after Fuse, Metaspace) behave as in the full decode.
/// </remarks>
public sealed class StreamingDetokenizer
{
    private const int InitialContextTokens = 4;
    private const char ReplacementCharacter = '\uFFFD';

    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _window = [];
    private readonly SpaceCleanupStream? _cleanup;
    private int _contextTokens;
    private int _contextLength;
    private int _emitted;

    internal StreamingDetokenizer(Tokenizer tokenizer, IReadOnlyList<int> promptIds, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;

        // The context must decode to some text so that start-of-text rules act on it and not on new tokens;
        // failing that it reaches back to the true start, where those rules apply anyway.
        var take = Math.Min(InitialContextTokens, promptIds.Count);
        string contextText;
        while (true)
        {
            _window.Clear();
            for (var i = promptIds.Count - take; i < promptIds.Count; i++)
            {
                _window.Add(promptIds[i]);
            }

            contextText = DecodeWindow();
            if (contextText.Length > 0 || take == promptIds.Count)
            {
                break;
            }

            take = Math.Min(take * 2, promptIds.Count);
        }

        _contextTokens = _window.Count;
        _contextLength = contextText.Length;
        _emitted = contextText.Length;
        if (tokenizer.CleansUpSpaces)
        {
            _cleanup = new SpaceCleanupStream(tokenizer.DecodeRaw(promptIds, 0, promptIds.Count, skipSpecialTokens));
        }
    }

    /// <summary>Adds one generated id and returns the text that became final (often empty).</summary>
    public string Push(int tokenId)
    {
        _window.Add(tokenId);
        var text = DecodeWindow();

        // A trailing U+FFFD may be a character whose remaining bytes are in tokens still to come.
        var unfinished = text.Length > 0 && text[^1] == ReplacementCharacter;
        var stable = unfinished ? text.Length - 1 : text.Length;
        var piece = stable > _emitted ? text[_emitted..stable] : string.Empty;
        _emitted = Math.Max(_emitted, stable);

        if (!unfinished && text.Length > _contextLength)
        {
            // All text so far is final and the new tokens produced some: they become the context for what follows.
            _window.RemoveRange(0, _contextTokens);
            _contextTokens = _window.Count;
            _contextLength = DecodeWindow().Length;
            _emitted = _contextLength;
        }

        return _cleanup is null ? piece : _cleanup.Push(piece);
    }

    /// <summary>Returns whatever is still held back, including a trailing U+FFFD when the ids end mid-character.</summary>
    public string Flush()
    {
        var text = DecodeWindow();
        var piece = text.Length > _emitted ? text[_emitted..] : string.Empty;
        _emitted = Math.Max(_emitted, text.Length);
        return _cleanup is null ? piece : string.Concat(_cleanup.Push(piece), _cleanup.Flush());
    }

    private string DecodeWindow() => _tokenizer.DecodeRaw(_window, 0, _window.Count, _skipSpecialTokens);
}
