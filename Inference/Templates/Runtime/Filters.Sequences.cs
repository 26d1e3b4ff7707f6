namespace Platform.Inference.Templates.Runtime;

/// <summary>List filters.</summary>
internal static partial class Filters
{
    private static object? First(object? operand) => operand switch
    {
        IReadOnlyList<object?> list => list.Count > 0 ? Values.Normalize(list[0]) : Undefined.Value,
        string s => s.Length > 0 ? Values.Characters(s)[0] : Undefined.Value,
        IReadOnlyDictionary<string, object?> map => map.Count > 0 ? map.Keys.First() : Undefined.Value,
        _ => throw Unsupported("first", operand),
    };

    private static object? Last(object? operand) => operand switch
    {
        IReadOnlyList<object?> list => list.Count > 0 ? Values.Normalize(list[^1]) : Undefined.Value,
        string s => s.Length > 0 ? Values.Characters(s)[^1] : Undefined.Value,
        _ => throw Unsupported("last", operand),
    };

    private static IReadOnlyList<object?> ToList(object? operand) => operand switch
    {
        IReadOnlyList<object?> list => list,
        _ => Values.Iterate(operand),
    };

    private static object? Reverse(object? operand) => operand switch
    {
        IReadOnlyList<object?> list => list.Reverse().Select(Values.Normalize).ToArray(),
        string s => string.Concat(Values.Characters(s).Reverse()),
        _ => throw Unsupported("reverse", operand),
    };

    /// <summary><c>sort(reverse=false, case_sensitive=false, attribute=none)</c>.</summary>
    private static object?[] Sort(object? operand, CallArguments arguments)
    {
        var list = List(operand, "sort");
        var reverse = arguments.Get(0, "reverse", false) as bool? ?? throw new EvaluationException("reverse must be a boolean");
        var caseSensitive = arguments.Get(1, "case_sensitive", false) as bool? ?? throw new EvaluationException("case_sensitive must be a boolean");
        var attribute = arguments.Get(2, "attribute", null);
        return Sorting.StableSort(
            list.Select(Values.Normalize),
            attribute is null ? item => item : item => AttributePath.Get(item, attribute),
            caseSensitive,
            reverse);
    }

    /// <summary><c>unique</c>: first occurrences, compared strictly (case-sensitive), as the reference does.</summary>
    private static object?[] Unique(object? operand)
    {
        var result = new List<object?>();
        foreach (var item in List(operand, "unique").Select(Values.Normalize))
        {
            if (!result.Exists(seen => Equality.Strict(seen, item)))
            {
                result.Add(item);
            }
        }

        return [.. result];
    }

    /// <summary>
    /// <c>selectattr(attr[, test[, value]])</c> / <c>rejectattr</c>: keeps mappings whose attribute passes the test
    /// (truthiness when no test is named). A missing attribute never passes, as in the reference.
    /// </summary>
    private static object?[] SelectAttribute(object? operand, CallArguments arguments, bool select)
    {
        var list = List(operand, select ? "selectattr" : "rejectattr");
        if (!arguments.TryGet(0, "attribute", out var attribute))
        {
            throw new EvaluationException("selectattr and rejectattr need an attribute name");
        }

        var test = arguments.Positional.Count > 1 ? arguments.Positional[1] as string ?? throw new EvaluationException("A test name must be a string") : null;
        var testArguments = new CallArguments([.. arguments.Positional.Skip(2)], []);
        var result = new List<object?>();
        foreach (var item in list.Select(Values.Normalize))
        {
            if (item is not (IReadOnlyDictionary<string, object?> or Namespace))
            {
                throw new EvaluationException("selectattr and rejectattr work on lists of mappings");
            }

            var value = AttributePath.Get(item, attribute);
            var passes = value is not Undefined && (test is null ? Values.IsTruthy(value) : Tests.Apply(test, value, testArguments));
            if (passes == select)
            {
                result.Add(item);
            }
        }

        return [.. result];
    }

    /// <summary><c>select([test, args...])</c> / <c>reject</c>: items passing a test, or truthy items.</summary>
    private static object?[] Select(object? operand, CallArguments arguments, bool select)
    {
        var list = List(operand, select ? "select" : "reject");
        var test = arguments.Positional.Count > 0 ? arguments.Positional[0] as string ?? throw new EvaluationException("A test name must be a string") : null;
        var testArguments = new CallArguments([.. arguments.Positional.Skip(1)], []);
        return [.. list.Select(Values.Normalize).Where(item => (test is null ? Values.IsTruthy(item) : Tests.Apply(test, item, testArguments)) == select)];
    }

    /// <summary><c>map(attribute='x'[, default=v])</c>, or <c>map('filter', args...)</c> applying a filter to each item.</summary>
    private static object?[] Map(Renderer renderer, object? operand, CallArguments arguments)
    {
        var list = List(operand, "map").Select(Values.Normalize);
        if (arguments.TryGetKeyword("attribute", out var attribute))
        {
            var hasDefault = arguments.TryGetKeyword("default", out var fallback);
            return [.. list.Select(item =>
            {
                var value = AttributePath.Get(item, attribute);
                return value is Undefined && hasDefault ? fallback : value;
            })];
        }

        if (arguments.Positional.Count > 0 && arguments.Positional[0] is string filter)
        {
            var filterArguments = new CallArguments([.. arguments.Positional.Skip(1)], arguments.Keywords);
            return [.. list.Select(item => Apply(renderer, item, filter, filterArguments))];
        }

        throw new EvaluationException("map needs attribute='name' or a filter name");
    }

    /// <summary><c>batch(count[, fill_with])</c>: lists of <c>count</c> items, the last one padded when a filler is given.</summary>
    private static object?[] Batch(object? operand, CallArguments arguments)
    {
        var list = List(operand, "batch");
        var size = arguments.Get(0, "linecount", null) is long n && n > 0 ? (int)Math.Min(n, int.MaxValue) : throw new EvaluationException("batch needs a positive size");
        var fill = arguments.TryGet(1, "fill_with", out var filler);
        var batches = new List<object?>();
        for (var start = 0; start < list.Count; start += size)
        {
            var batch = list.Skip(start).Take(size).Select(Values.Normalize).ToList();
            while (fill && batch.Count < size)
            {
                batch.Add(filler);
            }

            batches.Add(batch.ToArray());
        }

        return [.. batches];
    }
}
