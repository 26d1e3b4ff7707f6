using System.Text;
using Platform.Inference.Tokenization;

namespace Platform.Api.Sampling;

/// <summary>A single token as text and UTF-8 bytes, for log-probability listings.</summary>
internal static class TokenText
{
    public static string Of(ITokenizer tokenizer, int id) => tokenizer.Decode([id], skipSpecialTokens: false);

    public static int[] Bytes(string text) => [.. Encoding.UTF8.GetBytes(text).Select(b => (int)b)];
}
