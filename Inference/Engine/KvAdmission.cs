namespace Platform.Inference.Engine;

/// <summary>How admission counts a sequence's KV-cache tokens against a device's budget (<c>Inference:KvAdmission</c>).</summary>
public enum KvAdmission
{
    /// <summary>
    /// The prompt plus one growth block (<see cref="KvGrowth.BlockTokens"/>) at admission; the sequence takes another
    /// block each time it fills the ones it holds, and is preempted (recomputed later) when the budget runs out.
    /// </summary>
    OnDemand,

    /// <summary>Prompt + max tokens at admission, held until the sequence leaves: nothing grows, nothing is preempted.</summary>
    Reserve,
}
