namespace Platform.Inference.Tokenization;

/// <summary>
/// <c>Strip</c> decoder: removes up to <c>start</c> leading and <c>stop</c> trailing copies of <c>content</c> from each
/// token. After <c>Fuse</c> that is the start of the whole text, e.g. the space SentencePiece put before the first word.
/// </summary>
internal sealed class StripDecoder(string content, int start, int stop) : IDecoderStep
{
    public void Apply(List<string> tokens)
    {
        // The reference compares single UTF-16 units with content, so a longer content never matches.
        if (content.Length != 1)
        {
            return;
        }

        var c = content[0];
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            var from = 0;
            while (from < start && from < token.Length && token[from] == c)
            {
                from++;
            }

            var to = token.Length;
            for (var i = 0; i < stop && to - 1 >= 0 && token[to - 1] == c; i++)
            {
                to--;
            }

            tokens[t] = to > from ? token[from..to] : string.Empty;
        }
    }
}
