namespace Platform.Inference.Templates.Runtime;

/// <summary>Python dict methods: <c>get</c>, <c>items</c>, <c>keys</c>, <c>values</c>, and <c>dictsort</c> as a method.</summary>
internal static class MappingMethods
{
    public static bool Has(string name) => name is "get" or "items" or "keys" or "values" or "dictsort";

    public static object? Invoke(IReadOnlyDictionary<string, object?> map, string name, CallArguments arguments) => name switch
    {
        "get" => Get(map, arguments),
        "items" => Items(map),
        "keys" => map.Keys.Cast<object?>().ToArray(),
        "values" => map.Values.Select(Values.Normalize).ToArray(),
        _ => DictSort(map, arguments),
    };

    private static object? Get(IReadOnlyDictionary<string, object?> map, CallArguments arguments)
    {
        if (!arguments.TryGet(0, "key", out var key) || key is not string name)
        {
            throw new EvaluationException("get() key must be a string");
        }

        return map.TryGetValue(name, out var value) ? Values.Normalize(value) : arguments.Get(1, "default", null);
    }

    public static object?[] Items(IReadOnlyDictionary<string, object?> map) =>
        [.. map.Select(pair => (object?)new object?[] { pair.Key, Values.Normalize(pair.Value) })];

    /// <summary><c>dictsort(case_sensitive=false, by='key', reverse=false)</c>: (key, value) pairs in order.</summary>
    public static object?[] DictSort(IReadOnlyDictionary<string, object?> map, CallArguments arguments)
    {
        var caseSensitive = arguments.Get(0, "case_sensitive", false) as bool? ?? throw new EvaluationException("case_sensitive must be a boolean");
        var by = arguments.Get(1, "by", "key") as string;
        if (by is not ("key" or "value"))
        {
            throw new EvaluationException("by must be either 'key' or 'value'");
        }

        var reverse = arguments.Get(2, "reverse", false) as bool? ?? throw new EvaluationException("reverse must be a boolean");
        var index = by == "key" ? 0 : 1;
        var items = Items(map);
        return Sorting.StableSort(items, item => ((object?[])item!)[index], caseSensitive, reverse);
    }
}
