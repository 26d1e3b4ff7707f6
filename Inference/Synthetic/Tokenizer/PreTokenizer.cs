using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// The split that the ByteLevel pre-tokenizer (use_regex: true) applies before BPE: contractions, words and
/// numbers with their leading space, punctuation runs, whitespace. Training on the same pieces means every
/// merge can occur when the tokenizer runs.
/// </summary>
internal static partial class PreTokenizer
{
    /// <summary>Each piece of <paramref name="text"/> in the byte-level alphabet.</summary>
    public static IEnumerable<string> Split(string text)
    {
        foreach (Match match in Pattern().Matches(text))
        {
            yield return ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(match.Value));
        }
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Pattern();
}
