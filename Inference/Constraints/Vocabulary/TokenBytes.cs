using System.Globalization;
using System.Text;
using Platform.Inference.Tokenization;

namespace Platform.Inference.Constraints.Vocabulary;

/// <summary>
/// The bytes each token id stands for in generated text: byte-level BPE (gpt2) maps each character of the token
/// back to its byte; SentencePiece with byte fallback (llama) turns <c>&lt;0xNN&gt;</c> into that byte and
/// <c>▁</c> into a space. Special tokens are not text and get no bytes.
/// </summary>
internal static class TokenBytes
{
    public static byte[]?[] Read(ITokenizer tokenizer)
    {
        var byteFallback = tokenizer.TokenToId("<0x0A>") is not null;
        var table = new byte[]?[tokenizer.VocabularySize];
        for (var id = 0; id < table.Length; id++)
        {
            if (tokenizer.IdToToken(id) is { Length: > 0 } token && !tokenizer.IsSpecial(id))
            {
                table[id] = byteFallback ? SentencePiece(token) : ByteLevel(token);
            }
        }

        return table;
    }

    private static byte[] SentencePiece(string token)
    {
        if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return [value];
        }

        return Encoding.UTF8.GetBytes(token.Replace('\u2581', ' '));
    }

    private static byte[]? ByteLevel(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            if (!ByteLevelAlphabet.TryGetByte(token[i], out bytes[i]))
            {
                // An added token written in plain text (not in the byte alphabet): its UTF-8 is what it decodes to.
                return Encoding.UTF8.GetBytes(token);
            }
        }

        return bytes;
    }
}
