namespace Platform.Inference.Constraints.Grammar;

/// <summary>
/// Any UTF-8 text that never contains <see cref="Forbidden"/>: the free text before a tool call, which ends where
/// the call's opening markup begins (so the markup can only continue as a call). Its position packs how much of
/// <see cref="Forbidden"/> the text ends with and the UTF-8 state of an unfinished character.
/// </summary>
public sealed class FreeTextNode(string forbidden) : GrammarNode
{
    private const int Utf8States = 64;
    private readonly byte[] _forbidden = System.Text.Encoding.UTF8.GetBytes(forbidden);

    public string Forbidden { get; } = forbidden;

    internal static bool CanEnd(int position) => position % Utf8States == StringLexer.Body;

    internal static int Remaining(int position) => StringLexer.Remaining(position % Utf8States) - 1;

    internal int Step(int position, byte value)
    {
        var utf8 = position % Utf8States;
        var matched = position / Utf8States;
        if (utf8 != StringLexer.Body || value >= 0x80)
        {
            var next = StringLexer.Step(utf8, value);
            return next is < 0 or StringLexer.Closed ? -1 : next;
        }

        var extended = Matched(matched, value);
        return extended == _forbidden.Length ? -1 : extended * Utf8States;
    }

    /// <summary>The longest prefix of the forbidden text that the text so far, plus <paramref name="value"/>, ends with.</summary>
    private int Matched(int matched, byte value)
    {
        for (var length = Math.Min(matched + 1, _forbidden.Length); length > 0; length--)
        {
            if (_forbidden[length - 1] != value)
            {
                continue;
            }

            // The candidate prefix [0, length-1) must be a suffix of the matched prefix [0, matched).
            var start = matched - (length - 1);
            if (_forbidden.AsSpan(start, length - 1).SequenceEqual(_forbidden.AsSpan(0, length - 1)))
            {
                return length;
            }
        }

        return 0;
    }
}
