namespace Platform.Inference.Models;

/// <summary>How a decoder takes its past keys and values.</summary>
public enum KvLayout
{
    /// <summary>One key and one value tensor per layer, <c>[batch, kv_heads, past, head_size]</c> (HF optimum, GenAI builder).</summary>
    SeparateKeyValue,

    /// <summary>One tensor per layer holding both, <c>[2, batch, heads, past, head_size]</c> (GPT-2 exports).</summary>
    Combined,
}
