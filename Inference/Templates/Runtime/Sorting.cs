namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Ordering for <c>sort</c> and <c>dictsort</c>: numbers and booleans by value, strings case-insensitively unless asked,
/// none with none and undefined with undefined; anything else, or two different kinds, is an error. The sort is stable.
/// </summary>
internal static class Sorting
{
    public static object?[] StableSort(IEnumerable<object?> items, Func<object?, object?> key, bool caseSensitive, bool reverse)
    {
        var comparer = Comparer<object?>.Create((a, b) => Compare(a, b, caseSensitive));
        var ordered = reverse ? items.OrderByDescending(key, comparer) : items.OrderBy(key, comparer);
        return [.. ordered];
    }

    public static int Compare(object? a, object? b, bool caseSensitive)
    {
        switch (a, b)
        {
            case (null, null) or (Undefined, Undefined):
                return 0;
            case (long or double or bool, long or double or bool):
                var (m, n) = (Equality.ToDouble(a), Equality.ToDouble(b));
                return m < n ? -1 : m > n ? 1 : 0;
            case (string x, string y):
                return caseSensitive
                    ? Math.Sign(string.CompareOrdinal(x, y))
                    : Math.Sign(string.CompareOrdinal(x.ToLowerInvariant(), y.ToLowerInvariant()));
            default:
                throw new EvaluationException($"Cannot compare a {Values.TypeName(a)} with a {Values.TypeName(b)}");
        }
    }
}
