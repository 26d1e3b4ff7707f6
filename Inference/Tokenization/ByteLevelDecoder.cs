using System.Buffers;
using System.Text;

namespace Platform.Inference.Tokenization;

/// <summary>
/// <c>ByteLevel</c> decoder: runs of ordinary tokens are mapped back to bytes and decoded as UTF-8 (invalid or
/// unfinished sequences become U+FFFD); added tokens pass through verbatim and end the run.
/// </summary>
internal sealed class ByteLevelDecoder(TokenVocabulary vocabulary) : IDecoderStep
{
    public void Apply(List<string> tokens)
    {
        var output = new List<string>();
        var runStart = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (vocabulary.IsAddedContent(tokens[i]))
            {
                AddRun(tokens, runStart, i, output);
                output.Add(tokens[i]);
                runStart = i + 1;
            }
        }

        AddRun(tokens, runStart, tokens.Count, output);
        tokens.Clear();
        tokens.AddRange(output);
    }

    private static void AddRun(List<string> tokens, int start, int end, List<string> output)
    {
        if (end <= start)
        {
            return;
        }

        var length = 0;
        for (var i = start; i < end; i++)
        {
            length += tokens[i].Length;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var count = 0;
            for (var i = start; i < end; i++)
            {
                var token = tokens[i].AsSpan();
                for (var j = 0; j < token.Length;)
                {
                    var codePoint = JsText.CodePointAt(token, j, out var step);

                    // The reference turns characters outside the alphabet into byte 0 (an undefined lookup stored in a Uint8Array).
                    bytes[count++] = ByteLevelAlphabet.TryGetByte(codePoint, out var value) ? value : (byte)0;
                    j += step;
                }
            }

            output.Add(Encoding.UTF8.GetString(bytes, 0, count));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
