namespace Platform.Inference.Constraints.Grammar;

/// <summary>
/// The body of a JSON string, byte by byte: escapes, <c>\uXXXX</c>, and UTF-8 checked as strictly as a decoder
/// does (no overlong forms, no surrogates, nothing past U+10FFFF), so a token that ends inside a character is
/// accepted only when some continuation can finish it.
/// </summary>
internal static class StringLexer
{
    public const int Body = 0;
    public const int Closed = 100;
    private const int Escape = 1;
    private const int HexFirst = 2; // 2..5: four down to one hex digit left
    private const int Continuations = 16; // 16 + r: r continuation bytes 80..BF left
    private const int AfterE0 = 32; // A0..BF then one more
    private const int AfterED = 33; // 80..9F then one more
    private const int AfterF0 = 34; // 90..BF then two more
    private const int AfterF4 = 35; // 80..8F then two more

    /// <summary>Every state a string can be left open in between two tokens.</summary>
    public static IReadOnlyList<int> OpenStates { get; } =
        [Body, Escape, HexFirst, HexFirst + 1, HexFirst + 2, HexFirst + 3, Continuations + 1, Continuations + 2, Continuations + 3, AfterE0, AfterED, AfterF0, AfterF4];

    public static bool CanContinue(int state) => state != Closed;

    public static bool CanEnd(int state) => state == Closed;

    /// <summary>Fewest bytes that close the string from this state.</summary>
    public static int Remaining(int state) => state switch
    {
        Closed => 0,
        Body => 1,
        Escape => 2,
        >= HexFirst and <= HexFirst + 3 => 4 - (state - HexFirst) + 1,
        AfterE0 or AfterED => 3,
        AfterF0 or AfterF4 => 4,
        _ => state - Continuations + 1,
    };

    /// <summary>The next state, or -1 when the byte cannot follow.</summary>
    public static int Step(int state, byte b)
    {
        switch (state)
        {
            case Body:
                return b switch
                {
                    (byte)'"' => Closed,
                    (byte)'\\' => Escape,
                    < 0x20 => -1,
                    < 0x80 => Body,
                    >= 0xC2 and <= 0xDF => Continuations + 1,
                    0xE0 => AfterE0,
                    0xED => AfterED,
                    >= 0xE1 and <= 0xEF => Continuations + 2,
                    0xF0 => AfterF0,
                    >= 0xF1 and <= 0xF3 => Continuations + 3,
                    0xF4 => AfterF4,
                    _ => -1,
                };
            case Escape:
                return b switch
                {
                    (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' => Body,
                    (byte)'u' => HexFirst,
                    _ => -1,
                };
            case >= HexFirst and <= HexFirst + 3:
                return IsHex(b) ? (state == HexFirst + 3 ? Body : state + 1) : -1;
            case AfterE0:
                return b is >= 0xA0 and <= 0xBF ? Continuations + 1 : -1;
            case AfterED:
                return b is >= 0x80 and <= 0x9F ? Continuations + 1 : -1;
            case AfterF0:
                return b is >= 0x90 and <= 0xBF ? Continuations + 2 : -1;
            case AfterF4:
                return b is >= 0x80 and <= 0x8F ? Continuations + 2 : -1;
            case > Continuations and < AfterE0:
                return b is >= 0x80 and <= 0xBF ? (state == Continuations + 1 ? Body : state - 1) : -1;
            default:
                return -1;
        }
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');
}
