namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// The byte-to-character table of byte-level BPE (GPT-2): printable Latin-1 bytes stand for themselves and
/// the other 68 bytes (controls, space, soft hyphen...) move to U+0100 onwards, so every token is printable
/// text without spaces. Space becomes 'Ġ' (U+0120), newline 'Ċ' (U+010A).
/// </summary>
internal static class ByteLevelAlphabet
{
    // Index = byte value; a string, so the table cannot be changed.
    private static readonly string Characters = Build();

    public static string ForByte(byte value) => Characters[value].ToString();

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = Characters[bytes[i]];
        }

        return new string(chars);
    }

    private static string Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            table[b] = (char)(printable ? b : next++);
        }

        return new string(table);
    }
}
