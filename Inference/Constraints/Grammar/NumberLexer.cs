namespace Platform.Inference.Constraints.Grammar;

/// <summary>JSON's number syntax as a small automaton: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
internal static class NumberLexer
{
    private const int Start = 0;
    private const int Minus = 1;
    private const int Zero = 2;
    private const int Digits = 3;
    private const int Dot = 4;
    private const int Fraction = 5;
    private const int Exponent = 6;
    private const int ExponentSign = 7;
    private const int ExponentDigits = 8;

    /// <summary>States are 0 to <c>StateCount - 1</c>.</summary>
    public const int StateCount = 9;

    public static bool CanEnd(int state) => state is Zero or Digits or Fraction or ExponentDigits;

    public static bool CanContinue(int state, bool integerOnly) => !(integerOnly && state == Zero);

    public static int Remaining(int state) => CanEnd(state) ? 0 : 1;

    public static int Step(int state, byte b, bool integerOnly)
    {
        var digit = b is >= (byte)'0' and <= (byte)'9';
        return state switch
        {
            Start when b == '-' => Minus,
            Start or Minus when b == '0' => Zero,
            Start or Minus when digit => Digits,
            Digits when digit => Digits,
            Zero or Digits when !integerOnly && b == '.' => Dot,
            Zero or Digits or Fraction when !integerOnly && b is (byte)'e' or (byte)'E' => Exponent,
            Dot or Fraction when digit => Fraction,
            Exponent when b is (byte)'+' or (byte)'-' => ExponentSign,
            Exponent or ExponentSign or ExponentDigits when digit => ExponentDigits,
            _ => -1,
        };
    }
}
