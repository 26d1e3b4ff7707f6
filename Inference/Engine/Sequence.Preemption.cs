namespace Platform.Inference.Engine;

/// <summary>What on-demand KV accounting and preemption need to know about a sequence.</summary>
internal sealed partial class Sequence
{
    private readonly List<int> _emitted = [];

    /// <summary>The KV tokens it holds on its device's budget; null only for a sequence that never reached a device.</summary>
    public KvHold? Kv { get; init; }

    /// <summary>Arrival order on its device: the most recently admitted sequence is preempted first.</summary>
    public long AdmissionOrder { get; set; }

    /// <summary>The most KV tokens it can come to hold (prompt + max tokens, within the context): growth stops there.</summary>
    public int FullKvTokens { get; set; }

    /// <summary>Preempted and not yet recomputed: its row (if it had one) leaves the batch at the next re-pack.</summary>
    public bool Preempted { get; set; }

    /// <summary>Tokens its device has promised it for its recompute while it is preempted.</summary>
    public long PromisedKvTokens { get; set; }

    /// <summary>Tokens emitted to its consumer, in order (never sampled again after a preemption).</summary>
    public IReadOnlyList<int> Emitted => _emitted;

    /// <summary>
    /// The positions its KV cache held when it was preempted: the prompt and every emitted token but the last, which
    /// is still the next decode step's input (<see cref="LastToken"/>).
    /// </summary>
    public int[] RecomputeTokens()
    {
        var tokens = new int[Prompt.Length + Math.Max(0, _emitted.Count - 1)];
        Prompt.CopyTo(tokens, 0);
        for (var i = 0; i < _emitted.Count - 1; i++)
        {
            tokens[Prompt.Length + i] = _emitted[i];
        }

        return tokens;
    }
}
