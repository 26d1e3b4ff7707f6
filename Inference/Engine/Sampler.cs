using Platform.Inference.Constraints;

namespace Platform.Inference.Engine;

/// <summary>
/// Picks the next token from one row of logits. Greedy at temperature 0 (the lowest id wins a tie, as the
/// reference implementations do); otherwise temperature, top-k and top-p over a softmax, drawn from a
/// per-sequence seeded generator so a seed reproduces the same tokens. Logit bias and OpenAI's presence and
/// frequency penalties apply before either; log-probabilities come from the unmodified logits.
/// </summary>
internal sealed class Sampler
{
    private readonly GenerationOptions _options;
    private readonly Random _random;
    private readonly Dictionary<int, int> _counts = [];
    private int[] _order = [];
    private float[] _probabilities = [];
    private float[] _logits = [];
    private readonly ConstraintCursor? _constraint;
    private int _steps;

    public Sampler(GenerationOptions options, long seed)
    {
        _options = options;
        _random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        _constraint = options.Constraint?.CreateCursor();
    }

    /// <summary>The constrained structure is complete and nothing may follow: the generation stops with this token.</summary>
    public bool StructureClosed => _constraint?.Closed ?? false;

    /// <summary>The index of the largest logit; among equal maxima the lowest index.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => LogitsMath.ArgMax(logits);

    public int Next(ReadOnlySpan<float> logits) => Pick(logits.ToArray(), out _);

    /// <summary>A plain greedy step reads the row in place (fp16 included); anything else widens it to fp32 first.</summary>
    public int Next(LogitsRow row, out TokenLogprobs? logprobs)
    {
        if (!_options.NeedsFullLogits)
        {
            logprobs = null;
            return row.ArgMax();
        }

        if (_logits.Length != row.Length)
        {
            _logits = new float[row.Length];
        }

        row.CopyTo(_logits);
        return Pick(_logits, out logprobs);
    }

    private int Pick(float[] logits, out TokenLogprobs? logprobs)
    {
        // The mask comes first, so temperature, top-p, seeds and log-probabilities all work on the allowed tokens.
        _constraint?.Apply(logits, _options.MaxTokens - _steps - 1);
        _steps++;
        var logNormaliser = _options.TopLogprobs is null ? 0f : LogitsMath.LogSumExp(logits);
        var top = _options.TopLogprobs is { } count && count > 0 ? LogitsMath.TopK(logits, count, logNormaliser) : [];
        var raw = logits;
        if (_options.TopLogprobs is not null && (_options.LogitBias.Count > 0 || _counts.Count > 0))
        {
            // Keep the model's own logits for the chosen token's log-probability.
            raw = (float[])logits.Clone();
        }

        ApplyBiasAndPenalties(logits);
        var token = _options.Temperature == 0f ? ArgMax(logits) : Sample(logits);
        if (_options.PresencePenalty != 0f || _options.FrequencyPenalty != 0f)
        {
            _counts[token] = _counts.GetValueOrDefault(token) + 1;
        }

        logprobs = _options.TopLogprobs is null ? null : new TokenLogprobs(raw[token] - logNormaliser, top);
        _constraint?.Advance(token);
        return token;
    }

    private void ApplyBiasAndPenalties(float[] logits)
    {
        foreach (var (id, bias) in _options.LogitBias)
        {
            if ((uint)id < (uint)logits.Length)
            {
                logits[id] += bias;
            }
        }

        foreach (var (id, count) in _counts)
        {
            logits[id] -= (count * _options.FrequencyPenalty) + _options.PresencePenalty;
        }
    }

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
