using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// The <c>loop</c> variable: one instance per loop whose position advances, so a 10-item loop allocates it once.
/// It is a mapping, as in the reference, so <c>loop.index</c> and <c>loop['index']</c> both work.
/// </summary>
internal sealed class LoopState(IReadOnlyList<object?> items) : IReadOnlyDictionary<string, object?>
{
    private static readonly ImmutableArray<string> Names = ["index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"];

    public int Position { get; set; }

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => Names;

    public IEnumerable<object?> Values => Names.Select(name => this[name]);

    public int Count => Names.Length;

    public bool ContainsKey(string key) => Names.Contains(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var length = items.Count;
        value = key switch
        {
            "index" => (long)Position + 1,
            "index0" => (long)Position,
            "revindex" => (long)(length - Position),
            "revindex0" => (long)(length - Position - 1),
            "first" => Position == 0,
            "last" => Position == length - 1,
            "length" => (long)length,
            "previtem" => Position > 0 ? Runtime.Values.Normalize(items[Position - 1]) : Undefined.Value,
            "nextitem" => Position < length - 1 ? Runtime.Values.Normalize(items[Position + 1]) : Undefined.Value,
            _ => Undefined.Value,
        };
        return value is not Undefined || key is "previtem" or "nextitem";
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        Names.Select(name => KeyValuePair.Create(name, this[name])).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
