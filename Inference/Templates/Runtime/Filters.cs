namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// The built-in filters. Where the reference implementation supports a filter its behaviour is reproduced (for
/// example <c>join</c> prints floats without <c>.0</c>); where it would fail (<c>undefined|length</c>, <c>x|default</c>
/// without parentheses, <c>map('upper')</c>) Jinja's behaviour applies.
/// </summary>
internal static partial class Filters
{
    public static object? Apply(Renderer renderer, object? operand, string name, CallArguments arguments) => name switch
    {
        "safe" => operand,
        "tojson" => ToJson(operand, arguments),
        "default" or "d" => Default(operand, arguments),
        "length" or "count" => Length(operand),
        "string" => ToText(operand),
        "upper" => Text(operand, name).ToUpperInvariant(),
        "lower" => Text(operand, name).ToLowerInvariant(),
        "title" => StringMethods.Title(Text(operand, name)),
        "capitalize" => StringMethods.Capitalize(Text(operand, name)),
        "trim" => Trim(Text(operand, name), arguments),
        "indent" => Indent(Text(operand, name), arguments),
        "replace" => StringMethods.Replace(Text(operand, name), arguments),
        "wordcount" => WordCount(Text(operand, name)),
        "escape" or "e" => Escape(operand),
        "join" => Join(operand, arguments),
        "first" => First(operand),
        "last" => Last(operand),
        "list" => ToList(operand),
        "reverse" => Reverse(operand),
        "sort" => Sort(operand, arguments),
        "unique" => Unique(operand),
        "selectattr" => SelectAttribute(operand, arguments, select: true),
        "rejectattr" => SelectAttribute(operand, arguments, select: false),
        "select" => Select(operand, arguments, select: true),
        "reject" => Select(operand, arguments, select: false),
        "map" => Map(renderer, operand, arguments),
        "batch" => Batch(operand, arguments),
        "items" => operand is Undefined ? Array.Empty<object?>() : MappingMethods.Items(Mapping(operand, name)),
        "keys" or "values" or "dictsort" => MappingMethods.Invoke(Mapping(operand, name), name, arguments),
        "int" => Conversions.ToInteger(operand, arguments),
        "float" => Conversions.ToFloat(operand, arguments),
        "abs" => Conversions.Abs(operand),
        "round" => Conversions.Round(operand, arguments),
        "bool" => Values.IsTruthy(operand),
        _ => throw new EvaluationException($"Unknown filter '{name}'"),
    };

    private static EvaluationException Unsupported(string filter, object? operand) =>
        new($"Cannot apply filter '{filter}' to {Values.Describe(operand)}");

    /// <summary>The operand of a string filter; undefined counts as empty, as Jinja prints it.</summary>
    private static string Text(object? operand, string filter) => operand switch
    {
        string s => s,
        Undefined => string.Empty,
        _ => throw Unsupported(filter, operand),
    };

    private static IReadOnlyDictionary<string, object?> Mapping(object? operand, string filter) =>
        operand as IReadOnlyDictionary<string, object?> ?? throw Unsupported(filter, operand);

    private static IReadOnlyList<object?> List(object? operand, string filter) =>
        operand as IReadOnlyList<object?> ?? throw Unsupported(filter, operand);

    private static string ToJson(object? operand, CallArguments arguments)
    {
        if (arguments.Count == 0)
        {
            return JsonFormatter.Format(operand, JsonOptions.ToJson);
        }

        var indent = arguments.Get(0, "indent", null) switch
        {
            null => (int?)null,
            long l => (int)Math.Clamp(l, 0, 64),
            _ => throw new EvaluationException("tojson indent must be an integer"),
        };
        var separators = arguments.Get(-1, "separators", null) switch
        {
            null => ((string, string)?)null,
            IReadOnlyList<object?> { Count: 2 } pair when pair[0] is string item && pair[1] is string key => (item, key),
            _ => throw new EvaluationException("tojson separators must be a pair of strings"),
        };
        var options = new JsonOptions
        {
            Indent = indent,
            EnsureAscii = Flag(arguments, "ensure_ascii"),
            SortKeys = Flag(arguments, "sort_keys"),
            Separators = separators,
        };
        return JsonFormatter.Format(operand, options);
    }

    private static bool Flag(CallArguments arguments, string name) =>
        arguments.Get(-1, name, false) as bool? ?? throw new EvaluationException($"tojson {name} must be a boolean");

    /// <summary><c>default(value='', boolean=false)</c>: replaces undefined, or with <c>boolean</c> any falsy value.</summary>
    private static object? Default(object? operand, CallArguments arguments)
    {
        var fallback = arguments.Get(0, "default_value", string.Empty);
        var boolean = arguments.Get(1, "boolean", false) as bool? ?? throw new EvaluationException("default's boolean flag must be a boolean");
        return operand is Undefined || (boolean && !Values.IsTruthy(operand)) ? fallback : operand;
    }

    private static long Length(object? operand) => operand switch
    {
        string s => s.Length,
        IReadOnlyList<object?> list => list.Count,
        IReadOnlyDictionary<string, object?> map => map.Count,
        Undefined => 0,
        _ => throw Unsupported("length", operand),
    };

    /// <summary><c>string</c>: a value's string form; Python prints none as <c>None</c>.</summary>
    private static string ToText(object? operand) => operand switch
    {
        null => "None",
        Undefined => string.Empty,
        _ => ValueFormatter.Display(operand),
    };
}
