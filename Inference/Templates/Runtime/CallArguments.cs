namespace Platform.Inference.Templates.Runtime;

/// <summary>Evaluated call arguments: positional values, then <c>name=value</c> pairs in source order.</summary>
internal readonly record struct CallArguments(IReadOnlyList<object?> Positional, IReadOnlyList<KeyValuePair<string, object?>> Keywords)
{
    public static CallArguments None { get; } = new([], []);

    public int Count => Positional.Count + Keywords.Count;

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, if given.</summary>
    public bool TryGet(int index, string name, out object? value)
    {
        if (index >= 0 && index < Positional.Count)
        {
            value = Positional[index];
            return true;
        }

        return TryGetKeyword(name, out value);
    }

    public bool TryGetKeyword(string name, out object? value)
    {
        foreach (var (key, keywordValue) in Keywords)
        {
            if (key == name)
            {
                value = keywordValue;
                return true;
            }
        }

        value = null;
        return false;
    }

    public object? Get(int index, string name, object? defaultValue) => TryGet(index, name, out var value) ? value : defaultValue;
}
