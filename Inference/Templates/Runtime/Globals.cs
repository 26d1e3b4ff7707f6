namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Global functions every template sees unless a variable of the same name hides them: <c>raise_exception</c>,
/// <c>range</c>, <c>namespace</c>, <c>dict</c> and <c>strftime_now</c>. They hold no state.
/// </summary>
internal static class Globals
{
    private const int MaxRangeLength = 1_000_000;

    private static readonly BuiltinFunction RaiseException = new("raise_exception", (_, arguments) =>
        throw new TemplateRaisedException(arguments.Get(0, "message", null) switch
        {
            null or Undefined => string.Empty,
            var message => ValueFormatter.Concatenable(message),
        }));

    private static readonly BuiltinFunction Range = new("range", (_, arguments) => MakeRange(arguments));

    private static readonly BuiltinFunction NamespaceFunction = new("namespace", (_, arguments) => new Namespace(Entries(arguments, "namespace")));

    private static readonly BuiltinFunction DictFunction = new("dict", (_, arguments) => Entries(arguments, "dict"));

    private static readonly BuiltinFunction StrftimeNow = new("strftime_now", (renderer, arguments) =>
        arguments.Get(0, "format", null) is string format
            ? Strftime.Format(renderer.Clock.GetLocalNow(), format)
            : throw new EvaluationException("strftime_now needs a format string"));

    public static bool TryGet(string name, out object? value)
    {
        value = name switch
        {
            "raise_exception" => RaiseException,
            "range" => Range,
            "namespace" => NamespaceFunction,
            "dict" => DictFunction,
            "strftime_now" => StrftimeNow,
            _ => null,
        };
        return value is not null;
    }

    private static object?[] MakeRange(CallArguments arguments)
    {
        var bounds = arguments.Positional.Select(value => value switch
        {
            long l => l,
            bool b => b ? 1L : 0L,
            _ => throw new EvaluationException($"range() needs integers, not {Values.Describe(value)}"),
        }).ToArray();
        var (start, stop, step) = bounds.Length switch
        {
            1 => (0L, bounds[0], 1L),
            2 => (bounds[0], bounds[1], 1L),
            3 => (bounds[0], bounds[1], bounds[2]),
            _ => throw new EvaluationException("range() takes one to three integers"),
        };
        if (step == 0)
        {
            throw new EvaluationException("range() step must not be zero");
        }

        var count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (count > MaxRangeLength)
        {
            throw new EvaluationException($"range() of more than {MaxRangeLength} items");
        }

        var items = new object?[Math.Max(count, 0)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = start + (i * step);
        }

        return items;
    }

    /// <summary>The entries of <c>namespace(...)</c> or <c>dict(...)</c>: an optional mapping or list of pairs, then keywords.</summary>
    private static OrderedDictionary<string, object?> Entries(CallArguments arguments, string function)
    {
        var entries = new OrderedDictionary<string, object?>();
        if (arguments.Positional.Count > 1)
        {
            throw new EvaluationException($"{function}() takes at most one positional argument");
        }

        if (arguments.Positional.Count == 1)
        {
            switch (arguments.Positional[0])
            {
                case IReadOnlyDictionary<string, object?> map:
                    foreach (var (key, value) in map)
                    {
                        entries[key] = Values.Normalize(value);
                    }

                    break;
                case IReadOnlyList<object?> pairs:
                    foreach (var pair in pairs.Select(Values.Normalize))
                    {
                        if (pair is not IReadOnlyList<object?> { Count: 2 } kv || kv[0] is not string key)
                        {
                            throw new EvaluationException($"{function}() expects (string, value) pairs");
                        }

                        entries[key] = Values.Normalize(kv[1]);
                    }

                    break;
                default:
                    throw new EvaluationException($"{function}() expects a mapping or a list of pairs");
            }
        }

        foreach (var (key, value) in arguments.Keywords)
        {
            entries[key] = value;
        }

        return entries;
    }
}
