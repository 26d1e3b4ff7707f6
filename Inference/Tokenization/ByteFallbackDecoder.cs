using System.Globalization;
using System.Text;

namespace Platform.Inference.Tokenization;

/// <summary>
/// <c>ByteFallback</c> decoder: each run of consecutive <c>&lt;0xNN&gt;</c> tokens becomes the UTF-8 text of its
/// bytes (U+FFFD for invalid or unfinished sequences); other tokens pass through.
/// </summary>
internal sealed class ByteFallbackDecoder : IDecoderStep
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public void Apply(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (TryParseByteToken(token, out var value))
            {
                bytes.Add(value);
                continue;
            }

            Flush(bytes, output);
            output.Add(token);
        }

        Flush(bytes, output);
        tokens.Clear();
        tokens.AddRange(output);
    }

    private static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static void Flush(List<byte> bytes, List<string> output)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        // The reference decodes each run with a default TextDecoder, which drops a leading byte order mark.
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (span.StartsWith(ByteOrderMark))
        {
            span = span[ByteOrderMark.Length..];
        }

        output.Add(Encoding.UTF8.GetString(span));
        bytes.Clear();
    }
}
