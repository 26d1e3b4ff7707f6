namespace Platform.Inference.Tokenization;

/// <summary>
/// tokenizer.json's <c>ByteLevel</c> pre-tokenizer: optionally a leading space, the GPT-2 split, then each word's
/// UTF-8 bytes mapped into the byte-level alphabet.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public void PreTokenize(ReadOnlySpan<char> text, WordBuffer words)
    {
        if (addPrefixSpace && (text.IsEmpty || text[0] != ' '))
        {
            PreTokenizeCore(string.Concat(" ", text), words);
        }
        else
        {
            PreTokenizeCore(text, words);
        }
    }

    private void PreTokenizeCore(ReadOnlySpan<char> text, WordBuffer words)
    {
        if (!useRegex)
        {
            words.AddByteLevel(text);
            return;
        }

        for (var start = 0; start < text.Length;)
        {
            var end = Gpt2Splitter.MatchEnd(text, start);
            words.AddByteLevel(text[start..end]);
            start = end;
        }
    }
}
