namespace Platform.Inference.Engine;

/// <summary>The sizes on-demand KV accounting works in.</summary>
public static class KvGrowth
{
    /// <summary>
    /// Tokens a sequence takes at a time as it grows, and the headroom admission adds to a prompt. One block lets a
    /// newly admitted sequence decode 16 tokens before it asks for more, and keeps the budget's bookkeeping per step
    /// to one check in 16 (the same granularity as vLLM's default block size).
    /// </summary>
    public const int BlockTokens = 16;

    /// <summary>The KV tokens a sequence may come to hold: prompt plus max tokens, within the context.</summary>
    public static int FullTokens(int promptTokens, int maxTokens, int contextLength) =>
        (int)Math.Min((long)promptTokens + maxTokens, contextLength);

    /// <summary>What admission counts for one sequence: its full length when reserving, else its prompt and one block.</summary>
    public static int AdmissionTokens(KvAdmission mode, int promptTokens, int maxTokens, int contextLength)
    {
        var full = FullTokens(promptTokens, maxTokens, contextLength);
        return mode == KvAdmission.Reserve ? full : Math.Min(full, promptTokens + BlockTokens);
    }
}
