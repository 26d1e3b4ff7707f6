namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Ordering for <c>sort</c> and <c>dictsort</c>: numbers and booleans by value, strings case-insensitively unless asked,
/// none with none and undefined with undefined; anything else, or two different kinds, is an error.
/// </summary>
internal static class Sorting
{
    /// <summary>
    /// A stable merge sort (equal keys keep their order, as JavaScript's sort does). Written out because the framework's
    /// sorts wrap a comparer's exception, and an incomparable pair must surface as the template error it is.
    /// </summary>
    public static object?[] StableSort(IEnumerable<object?> items, Func<object?, object?> key, bool caseSensitive, bool reverse)
    {
        var values = items.ToArray();
        var keys = values.Select(key).ToArray();
        var order = Enumerable.Range(0, values.Length).ToArray();
        var buffer = new int[order.Length];
        MergeSort(order, buffer, 0, order.Length, (a, b) =>
        {
            var result = Compare(keys[a], keys[b], caseSensitive);
            return reverse ? -result : result;
        });
        return [.. order.Select(index => values[index])];
    }

    private static void MergeSort(int[] order, int[] buffer, int start, int end, Func<int, int, int> compare)
    {
        if (end - start < 2)
        {
            return;
        }

        var middle = start + ((end - start) / 2);
        MergeSort(order, buffer, start, middle, compare);
        MergeSort(order, buffer, middle, end, compare);
        int left = start, right = middle, target = start;
        while (left < middle && right < end)
        {
            buffer[target++] = compare(order[right], order[left]) < 0 ? order[right++] : order[left++];
        }

        while (left < middle)
        {
            buffer[target++] = order[left++];
        }

        while (right < end)
        {
            buffer[target++] = order[right++];
        }

        Array.Copy(buffer, start, order, start, end - start);
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
                throw new EvaluationException($"Cannot compare {Values.Describe(a)} with {Values.Describe(b)}");
        }
    }
}
