using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>The hand-compiled GPT-2 pattern against splits produced by JavaScript's Unicode-mode regex.</summary>
public sealed class Gpt2SplitterTests
{
    public static TheoryData<string, string[]> Splits() => new()
    {
        { "I'll don't 'S", ["I", "'ll", " don", "'t", " '", "S"] },
        { "a  b\t\tc\n", ["a", " ", " b", "\t", "\t", "c", "\n"] },
        { "x \u00a0y", ["x", " ", "\u00a0", "y"] },
        { "\U0001D400\U0001D401c 12\u00bd", ["\U0001D400\U0001D401c", " 12\u00bd"] },
        { "hi!!  ?", ["hi", "!!", " ", " ?"] },
        { "\ufeffz\u0085w", ["\ufeff", "z", "\u0085", "w"] },
        { "e\u0301x", ["e", "\u0301", "x"] },
        { "  ", ["  "] },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void MatchEnd_Text_SplitsLikeJavaScriptRegex(string text, string[] expected)
    {
        var pieces = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            var end = Gpt2Splitter.MatchEnd(text, start);
            pieces.Add(text[start..end]);
            start = end;
        }

        Assert.Equal(expected, pieces);
    }
}
