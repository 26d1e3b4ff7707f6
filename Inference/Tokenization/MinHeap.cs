namespace Platform.Inference.Tokenization;

/// <summary>A binary min-heap of longs over caller-provided storage (stack or pooled), so merging allocates nothing.</summary>
internal ref struct MinHeap(Span<long> storage)
{
    private readonly Span<long> _items = storage;

    public int Count { get; private set; }

    public void Push(long value)
    {
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_items[parent] <= value)
            {
                break;
            }

            _items[i] = _items[parent];
            i = parent;
        }

        _items[i] = value;
    }

    public long Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && _items[child + 1] < _items[child])
            {
                child++;
            }

            if (_items[child] >= last)
            {
                break;
            }

            _items[i] = _items[child];
            i = child;
        }

        if (Count > 0)
        {
            _items[i] = last;
        }

        return top;
    }
}
