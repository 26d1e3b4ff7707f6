namespace Platform.Api.Observability;

/// <summary>One label set of a metric: a value, or a histogram's bucket counts, sum and count.</summary>
internal sealed class MetricSeries(KeyValuePair<string, string>[] labels, int buckets)
{
    private readonly Lock _lock = new();
    private readonly long[] _counts = new long[buckets];
    private double _value;
    private double _sum;
    private long _count;

    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

    public string SortKey { get; } = string.Join(',', labels.Select(l => $"{l.Key}={l.Value}"));

    public double Value
    {
        get
        {
            lock (_lock)
            {
                return _value;
            }
        }
    }

    public void Add(double value)
    {
        lock (_lock)
        {
            _value += value;
        }
    }

    public void Set(double value)
    {
        lock (_lock)
        {
            _value = value;
        }
    }

    /// <summary>Counts the value in the first bucket whose upper bound holds it (none: only the +Inf total).</summary>
    public void Observe(double value, double[] bounds)
    {
        var bucket = Array.FindIndex(bounds, b => value <= b);
        lock (_lock)
        {
            if (bucket >= 0)
            {
                _counts[bucket]++;
            }

            _sum += value;
            _count++;
        }
    }

    public (long[] Counts, double Sum, long Count) Snapshot()
    {
        lock (_lock)
        {
            return ([.. _counts], _sum, _count);
        }
    }
}
