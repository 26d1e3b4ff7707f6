namespace Platform.Inference.Templates.Runtime;

/// <summary>Python slicing of lists and strings (by code point), including negative steps such as <c>[::-1]</c>.</summary>
internal static class Slicing
{
    public static object? Apply(object? target, object? start, object? stop, object? step)
    {
        var stepValue = Bound(step, "step") ?? 1;
        if (stepValue == 0)
        {
            throw new EvaluationException("Slice step cannot be zero");
        }

        switch (target)
        {
            case IReadOnlyList<object?> list:
                return Select(list.Count, Bound(start, "start"), Bound(stop, "stop"), stepValue, i => Values.Normalize(list[i])).ToArray();
            case string s:
                var characters = Values.Characters(s);
                return string.Concat(Select(characters.Length, Bound(start, "start"), Bound(stop, "stop"), stepValue, i => characters[i]));
            default:
                throw new EvaluationException($"Cannot slice {Values.Describe(target)}");
        }
    }

    private static long? Bound(object? value, string what) => value switch
    {
        null or Undefined => null,
        long l => l,
        _ => throw new EvaluationException($"Slice {what} must be an integer or none"),
    };

    private static IEnumerable<T> Select<T>(int length, long? start, long? stop, long step, Func<int, T> item)
    {
        long first, end;
        if (step > 0)
        {
            first = Clamp(start ?? 0, length, 0, length);
            end = Clamp(stop ?? length, length, 0, length);
            for (var i = first; i < end; i += step)
            {
                yield return item((int)i);
            }
        }
        else
        {
            first = Clamp(start ?? length - 1, length, -1, length - 1);
            end = stop is null ? -1 : Clamp(stop.Value, length, -1, length - 1);
            for (var i = first; i > end; i += step)
            {
                yield return item((int)i);
            }
        }
    }

    private static long Clamp(long index, int length, long low, long high) =>
        Math.Clamp(index < 0 ? index + length : index, low, high);
}
