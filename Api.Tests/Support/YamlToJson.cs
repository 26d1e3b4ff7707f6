using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Platform.Api.Tests.Support;

/// <summary>
/// Converts a YAML document to JSON by streaming YamlDotNet's parser events into a <see cref="Utf8JsonWriter"/>.
/// Plain scalars are typed by the YAML 1.2 core schema (null, booleans, integers, floats); quoted and block scalars,
/// and anything with an explicit tag, stay strings. Mapping keys are always strings. Aliases are refused (the spec has none).
/// Lines of only spaces are emptied first: OpenAI's spec has a <c>|+</c> block scalar whose first line is blank but
/// more indented than the next key, which libyaml and PyYAML accept and YamlDotNet rejects ("found extra spaces in
/// first line"). That changes nothing but whitespace inside descriptions and examples.
/// </summary>
internal static partial class YamlToJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    public static JsonDocument Convert(string yaml)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 256 }))
        using (var reader = new StringReader(BlankLine().Replace(yaml, string.Empty)))
        {
            Write(new Parser(reader), writer);
        }

        return JsonDocument.Parse(buffer.WrittenMemory, DocumentOptions);
    }

    private static void Write(Parser parser, Utf8JsonWriter writer)
    {
        var open = new Stack<Awaiting>();
        var documents = 0;
        while (parser.MoveNext())
        {
            var atKey = open.TryPeek(out var top) && top == Awaiting.Key;
            switch (parser.Current)
            {
                case DocumentStart when ++documents > 1:
                    throw new NotSupportedException("Only single-document YAML streams are supported.");
                case AnchorAlias alias:
                    throw new NotSupportedException($"YAML aliases are not supported (*{alias.Value} at {alias.Start}).");
                case Scalar key when atKey:
                    writer.WritePropertyName(key.Value);
                    Replace(open, Awaiting.Value);
                    break;
                case NodeEvent complexKey when atKey:
                    throw new NotSupportedException($"Only scalar mapping keys are supported ({complexKey.Start}).");
                case Scalar scalar:
                    WriteScalar(scalar, writer);
                    ValueWritten(open);
                    break;
                case MappingStart:
                    writer.WriteStartObject();
                    open.Push(Awaiting.Key);
                    break;
                case SequenceStart:
                    writer.WriteStartArray();
                    open.Push(Awaiting.Item);
                    break;
                case MappingEnd:
                    writer.WriteEndObject();
                    open.Pop();
                    ValueWritten(open);
                    break;
                case SequenceEnd:
                    writer.WriteEndArray();
                    open.Pop();
                    ValueWritten(open);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>After a whole value (scalar or collection), the mapping that holds it waits for its next key.</summary>
    private static void ValueWritten(Stack<Awaiting> open)
    {
        if (open.TryPeek(out var top) && top == Awaiting.Value)
        {
            Replace(open, Awaiting.Key);
        }
    }

    private static void Replace(Stack<Awaiting> open, Awaiting next)
    {
        open.Pop();
        open.Push(next);
    }

    private static void WriteScalar(Scalar scalar, Utf8JsonWriter writer)
    {
        var text = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty)
        {
            writer.WriteStringValue(text);
        }
        else if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(text[0] is 't' or 'T');
        }
        else if (TryParseNumber(text, out var number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static bool TryParseNumber(string text, out decimal number)
    {
        number = 0;
        if (text.StartsWith("0x", StringComparison.Ordinal) && HexInteger().IsMatch(text))
        {
            number = long.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            return true;
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && OctalInteger().IsMatch(text))
        {
            number = System.Convert.ToInt64(text[2..], 8);
            return true;
        }

        return CoreNumber().IsMatch(text)
            && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    private enum Awaiting
    {
        Item,
        Key,
        Value,
    }

    [GeneratedRegex("^[ \\t]+$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex BlankLine();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CoreNumber();

    [GeneratedRegex("^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexInteger();

    [GeneratedRegex("^0o[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalInteger();
}
