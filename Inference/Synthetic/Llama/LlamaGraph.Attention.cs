using Platform.Inference.Synthetic.Onnx;

namespace Platform.Inference.Synthetic.Llama;

/// <summary>Grouped-query self-attention with rotary positions and the KV cache.</summary>
internal sealed partial class LlamaGraph
{
    /// <summary>
    /// Gathers the cos and sin rows for each position id: [batch, 1, seq, head] so they broadcast over heads.
    /// Position ids must lie in [0, context_length) (padding positions too), since Gather rejects others.
    /// </summary>
    private RotaryFactors RotaryFactors(string positionIds)
    {
        var (cos, sin) = RotaryTables.Create(_spec.ContextLength, _spec.HeadSize);
        long[] dims = [_spec.ContextLength, _spec.HeadSize];
        var cosTable = _graph.Initializer("model.rotary.cos", OnnxDataType.Float, dims, new BytesPayload(cos));
        var sinTable = _graph.Initializer("model.rotary.sin", OnnxDataType.Float, dims, new BytesPayload(sin));
        return new RotaryFactors(Gather(cosTable, "cos"), Gather(sinTable, "sin"));

        string Gather(string table, string name)
        {
            var rows = _graph.Node("Gather", $"/model/rotary/{name}", [table, positionIds], OnnxAttribute.Int("axis", 0));
            return _graph.Node("Unsqueeze", $"/model/rotary/{name}_4d", [rows, _graph.Int64s(1)]);
        }
    }

    private string Attention(int layer, string x, string bias, RotaryFactors rotary)
    {
        var prefix = $"model.layers.{layer}.self_attn";
        var path = $"/model/layers.{layer}/self_attn";
        int heads = _spec.Heads, kvHeads = _spec.KvHeads, headSize = _spec.HeadSize;

        var query = Rotate($"{path}/q", Heads(x, $"{prefix}.q_proj.weight", $"{path}/q", heads), rotary);
        var key = Rotate($"{path}/k", Heads(x, $"{prefix}.k_proj.weight", $"{path}/k", kvHeads), rotary);
        var value = Heads(x, $"{prefix}.v_proj.weight", $"{path}/v", kvHeads);

        // Keys and values join the cache in storage precision, so a float16 cache run matches a full recompute.
        var keys = ToFloat(_graph.Node("Concat", DecoderNames.PresentKey(layer), [DecoderNames.PastKey(layer), ToStorage(key)], OnnxAttribute.Int("axis", 2)));
        var values = ToFloat(_graph.Node("Concat", DecoderNames.PresentValue(layer), [DecoderNames.PastValue(layer), ToStorage(value)], OnnxAttribute.Int("axis", 2)));

        // Grouped queries without copying the cache: query heads [kv, group] against one kv head broadcast over the group.
        var scaled = _graph.Node("Mul", $"{path}/q_scaled", [query, _graph.FloatScalar((float)(1.0 / Math.Sqrt(headSize)))]);
        var groupedQuery = _graph.Node("Reshape", $"{path}/q_grouped", [scaled, _graph.Int64s(0, kvHeads, heads / kvHeads, -1, headSize)]);
        var keys5d = _graph.Node("Unsqueeze", $"{path}/k_5d", [keys, _graph.Int64s(2)]);
        var keysT = _graph.Node("Transpose", $"{path}/k_transposed", [keys5d], OnnxAttribute.IntList("perm", 0, 1, 2, 4, 3));
        var values5d = _graph.Node("Unsqueeze", $"{path}/v_5d", [values, _graph.Int64s(2)]);

        var scores = _graph.Node("MatMul", $"{path}/scores", [groupedQuery, keysT]);
        var masked = _graph.Node("Add", $"{path}/scores_masked", [scores, bias]);
        var probabilities = _graph.Node("Softmax", $"{path}/softmax", [masked], OnnxAttribute.Int("axis", -1));
        var context = _graph.Node("MatMul", $"{path}/context", [probabilities, values5d]);

        var contextHeads = _graph.Node("Reshape", $"{path}/context_heads", [context, _graph.Int64s(0, heads, -1, headSize)]);
        var contextTokens = _graph.Node("Transpose", $"{path}/context_tokens", [contextHeads], OnnxAttribute.IntList("perm", 0, 2, 1, 3));
        var merged = _graph.Node("Reshape", $"{path}/context_merged", [contextTokens, _graph.Int64s(0, 0, heads * headSize)]);
        return _graph.Node("MatMul", $"{path}/o_proj", [merged, Weight($"{prefix}.o_proj.weight", heads * headSize, _spec.HiddenSize)]);
    }

    /// <summary>Projects [batch, seq, hidden] to [batch, heads, seq, head].</summary>
    private string Heads(string x, string weightName, string path, int heads)
    {
        var projected = _graph.Node("MatMul", $"{path}_proj", [x, Weight(weightName, _spec.HiddenSize, heads * _spec.HeadSize)]);
        var split = _graph.Node("Reshape", $"{path}_heads", [projected, _graph.Int64s(0, 0, heads, _spec.HeadSize)]);
        return _graph.Node("Transpose", $"{path}_bhsd", [split], OnnxAttribute.IntList("perm", 0, 2, 1, 3));
    }

    /// <summary>x * cos + rotate_half(x) * sin, where rotate_half([a, b]) = [-b, a] over the head axis.</summary>
    private string Rotate(string path, string x, RotaryFactors rotary)
    {
        var half = _spec.HeadSize / 2;
        var halves = _graph.Node("Split", $"{path}_halves", [x, _graph.Int64s(half, half)], 2, OnnxAttribute.Int("axis", -1));
        var negated = _graph.Node("Neg", $"{path}_neg_second", [halves[1]]);
        var rotated = _graph.Node("Concat", $"{path}_rotate_half", [negated, halves[0]], OnnxAttribute.Int("axis", -1));
        var withCos = _graph.Node("Mul", $"{path}_cos", [x, rotary.Cos]);
        var withSin = _graph.Node("Mul", $"{path}_sin", [rotated, rotary.Sin]);
        return _graph.Node("Add", $"{path}_rotary", [withCos, withSin]);
    }
}

/// <summary>The gathered cos and sin factors, [batch, 1, seq, head].</summary>
internal readonly record struct RotaryFactors(string Cos, string Sin);
