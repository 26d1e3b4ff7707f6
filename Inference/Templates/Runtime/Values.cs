using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// The runtime value model. A value is null (<c>none</c>), <see cref="Undefined"/>, <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/>, a list (<see cref="IReadOnlyList{T}"/> of object), a mapping
/// (<see cref="IReadOnlyDictionary{TKey, TValue}"/> of string to object), a <see cref="Namespace"/> or a <see cref="TemplateCallable"/>.
/// Caller-supplied values are taken as they are and normalised only where read, so rendering copies nothing up front.
/// </summary>
internal static class Values
{
    /// <summary>Python truthiness: empty strings, lists and mappings, zero, none and undefined are false.</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0 && !double.IsNaN(d),
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "none",
        Undefined => "undefined",
        bool => "boolean",
        long => "integer",
        double => "float",
        string => "string",
        IReadOnlyList<object?> => "list",
        IReadOnlyDictionary<string, object?> => "mapping",
        Namespace => "namespace",
        TemplateCallable => "function",
        _ => value.GetType().Name,
    };

    /// <summary>The kind of a value for error messages, with its article: "an integer", "a list", "none".</summary>
    public static string Describe(object? value) => value switch
    {
        null => "none",
        Undefined => "an undefined value",
        long => "an integer",
        _ => "a " + TypeName(value),
    };

    /// <summary>Maps a caller-supplied value to the runtime model (ints widen to long, JSON elements convert).</summary>
    public static object? Normalize(object? value) => value switch
    {
        null or string or long or double or bool => value,
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Undefined or Namespace or TemplateCallable => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        ulong u => u <= long.MaxValue ? (object)(long)u : (double)u,
        float f => (double)f,
        decimal m => (double)m,
        char c => c.ToString(),
        JsonElement element => FromJson(element),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable sequence => FromSequence(sequence),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToArray(),
        JsonValueKind.Object => FromPairs(element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value)))),
        _ => null,
    };

    private static OrderedDictionary<string, object?> FromDictionary(IDictionary dictionary)
    {
        var result = new OrderedDictionary<string, object?>(dictionary.Count);
        foreach (DictionaryEntry entry in dictionary)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Normalize(entry.Value);
        }

        return result;
    }

    private static OrderedDictionary<string, object?> FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var result = new OrderedDictionary<string, object?>();
        foreach (var (key, value) in pairs)
        {
            result[key] = value;
        }

        return result;
    }

    private static object?[] FromSequence(IEnumerable sequence) => [.. sequence.Cast<object?>().Select(Normalize)];

    /// <summary><c>target.name</c>: a mapping's key, else a built-in property or method, else undefined.</summary>
    public static object? GetAttribute(object? target, string name)
    {
        switch (target)
        {
            case IReadOnlyDictionary<string, object?> map:
                if (map.TryGetValue(name, out var value))
                {
                    return Normalize(value);
                }

                return Methods.IsMappingMethod(name) ? new BoundMethod(map, name) : Undefined.Value;
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : Undefined.Value;
            case string s:
                if (name == "length")
                {
                    return (long)s.Length;
                }

                return Methods.IsStringMethod(name) ? new BoundMethod(s, name) : Undefined.Value;
            case IReadOnlyList<object?> list:
                return name == "length" ? (long)list.Count : Undefined.Value;
            default:
                return Undefined.Value;
        }
    }

    /// <summary><c>target[key]</c>: negative indexes count from the end; a missing index or key is undefined.</summary>
    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case IReadOnlyDictionary<string, object?> or Namespace:
                return key is string name
                    ? GetAttribute(target, name)
                    : throw new EvaluationException($"Cannot look up {Describe(key)} key in {Describe(target)}: keys are strings");
            case IReadOnlyList<object?> or string when key is string property:
                return GetAttribute(target, property);
            case IReadOnlyList<object?> list when key is long index:
                index = index < 0 ? index + list.Count : index;
                return index >= 0 && index < list.Count ? Normalize(list[(int)index]) : Undefined.Value;
            case string s when key is long index:
                index = index < 0 ? index + s.Length : index;
                return index >= 0 && index < s.Length ? s[(int)index].ToString() : Undefined.Value;
            case IReadOnlyList<object?> or string:
                throw new EvaluationException($"Cannot index {Describe(target)} with {Describe(key)}");
            default:
                return Undefined.Value;
        }
    }

    /// <summary>The items a <c>for</c> loop visits: a list's items, a mapping's keys, a string's characters; undefined is empty.</summary>
    public static IReadOnlyList<object?> Iterate(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        IReadOnlyDictionary<string, object?> map => [.. map.Keys],
        string s => Characters(s),
        Undefined => [],
        _ => throw new EvaluationException($"Cannot iterate over {Describe(value)}"),
    };

    /// <summary>A string's code points as strings; a lone surrogate stays one item, as JavaScript's <c>Array.from</c> keeps it.</summary>
    public static string[] Characters(string s)
    {
        var result = new List<string>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var pair = char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
            result.Add(s.Substring(i, pair ? 2 : 1));
            i += pair ? 1 : 0;
        }

        return [.. result];
    }
}
