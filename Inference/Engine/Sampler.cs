namespace Platform.Inference.Engine;

/// <summary>
/// Picks the next token from one row of logits. Greedy at temperature 0 (the lowest id wins a tie, as the
/// reference implementations do); otherwise temperature, top-k and top-p over a softmax, drawn from a
/// per-sequence seeded generator so a seed reproduces the same tokens.
/// </summary>
internal sealed class Sampler
{
    private readonly GenerationOptions _options;
    private readonly Random _random;
    private int[] _order = [];
    private float[] _probabilities = [];
    private float[] _logits = [];

    public Sampler(GenerationOptions options, long seed)
    {
        _options = options;
        _random = new Random(unchecked((int)(seed ^ (seed >> 32))));
    }

    public int Next(ReadOnlySpan<float> logits) =>
        _options.Temperature == 0f ? ArgMax(logits) : Sample(logits);

    /// <summary>Greedy reads the row in place (fp16 included); sampling widens it to fp32 first.</summary>
    public int Next(LogitsRow row)
    {
        if (_options.Temperature == 0f)
        {
            return row.ArgMax();
        }

        if (_logits.Length != row.Length)
        {
            _logits = new float[row.Length];
        }

        row.CopyTo(_logits);
        return Sample(_logits);
    }

    /// <summary>The index of the largest logit; among equal maxima the lowest index.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => LogitsMath.ArgMax(logits);

    private int Sample(ReadOnlySpan<float> logits)
    {
        var vocab = logits.Length;
        if (_order.Length != vocab)
        {
            _order = new int[vocab];
            _probabilities = new float[vocab];
        }

        var max = logits[ArgMax(logits)];
        var inverseTemperature = 1f / _options.Temperature;
        var probabilities = _probabilities.AsSpan();
        var order = _order.AsSpan();
        for (var i = 0; i < vocab; i++)
        {
            probabilities[i] = MathF.Exp((logits[i] - max) * inverseTemperature);
            order[i] = i;
        }

        var candidates = vocab;
        if (_options.TopK > 0 || _options.TopP < 1f)
        {
            // Most likely first; ties by id keep the result independent of the sort's stability.
            var keys = _probabilities;
            Array.Sort(_order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
            if (_options.TopK > 0)
            {
                candidates = Math.Min(candidates, _options.TopK);
            }

            if (_options.TopP < 1f)
            {
                var total = 0d;
                for (var i = 0; i < candidates; i++)
                {
                    total += probabilities[order[i]];
                }

                var cumulative = 0d;
                for (var i = 0; i < candidates; i++)
                {
                    cumulative += probabilities[order[i]];
                    if (cumulative >= _options.TopP * total)
                    {
                        candidates = i + 1;
                        break;
                    }
                }
            }
        }

        var sum = 0d;
        for (var i = 0; i < candidates; i++)
        {
            sum += probabilities[order[i]];
        }

        var target = _random.NextDouble() * sum;
        var running = 0d;
        for (var i = 0; i < candidates; i++)
        {
            running += probabilities[order[i]];
            if (running > target)
            {
                return order[i];
            }
        }

        return order[candidates - 1];
    }
}
