namespace Platform.Inference.Tokenization;

/// <summary>
/// GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves and the other 68 bytes
/// (controls, space, DEL, NBSP, soft hyphen) are shifted to U+0100 upwards, so every byte is a visible character.
/// </summary>
internal static class ByteLevelAlphabet
{
    private const int ShiftedBase = 256;
    private const int ShiftedCount = 68;

    // Strings are immutable, so the table can be static without being mutable state.
    private static readonly string ByteToCharTable = BuildTable();

    public static char ToChar(byte value) => ByteToCharTable[value];

    /// <summary>The byte a byte-level character stands for; false for characters outside the alphabet.</summary>
    public static bool TryGetByte(int codePoint, out byte value)
    {
        if (IsPrintable(codePoint))
        {
            value = (byte)codePoint;
            return true;
        }

        var shifted = codePoint - ShiftedBase;
        if ((uint)shifted < ShiftedCount)
        {
            // The shifted bytes in order are 0..32, 127..160 and 173.
            value = shifted switch
            {
                < 33 => (byte)shifted,
                < 67 => (byte)(127 + shifted - 33),
                _ => 173,
            };
            return true;
        }

        value = 0;
        return false;
    }

    private static bool IsPrintable(int codePoint) =>
        codePoint is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);

    private static string BuildTable()
    {
        return string.Create(256, 0, static (chars, _) =>
        {
            var next = ShiftedBase;
            for (var b = 0; b < 256; b++)
            {
                chars[b] = IsPrintable(b) ? (char)b : (char)next++;
            }
        });
    }
}
