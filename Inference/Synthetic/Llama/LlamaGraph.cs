using Platform.Inference.Synthetic.Onnx;

namespace Platform.Inference.Synthetic.Llama;

/// <summary>
/// Builds a Llama-shaped decoder from standard ONNX operators (opset 17): embedding, pre-norm layers of
/// grouped-query attention with rotary positions and a SwiGLU MLP, final norm, lm_head. KV cache inputs and
/// outputs follow the HF optimum layout. Compute is float32; a float16 spec stores weights, KV and logits in
/// float16 and casts at the edges, so every operator has a CPU kernel.
/// </summary>
internal sealed partial class LlamaGraph
{
    public const int OpsetVersion = 17;

    private readonly SyntheticModelSpec _spec;
    private readonly OnnxGraphBuilder _graph = new("synthetic_llama");
    private readonly OnnxDataType _storageType;

    private LlamaGraph(SyntheticModelSpec spec)
    {
        _spec = spec;
        _storageType = spec.Float16 ? OnnxDataType.Float16 : OnnxDataType.Float;
    }

    public static OnnxGraph Build(SyntheticModelSpec spec)
    {
        spec.Validate();
        return new LlamaGraph(spec).Build();
    }

    private OnnxGraph Build()
    {
        var inputIds = _graph.Input(DecoderNames.InputIds, OnnxDataType.Int64, DecoderNames.Batch, DecoderNames.Sequence);
        var attentionMask = _graph.Input(DecoderNames.AttentionMask, OnnxDataType.Int64, DecoderNames.Batch, DecoderNames.TotalSequence);
        var positionIds = _graph.Input(DecoderNames.PositionIds, OnnxDataType.Int64, DecoderNames.Batch, DecoderNames.Sequence);
        for (var layer = 0; layer < _spec.Layers; layer++)
        {
            _graph.Input(DecoderNames.PastKey(layer), _storageType, KvShape(DecoderNames.PastSequence));
            _graph.Input(DecoderNames.PastValue(layer), _storageType, KvShape(DecoderNames.PastSequence));
        }

        var bias = AttentionBias(inputIds, attentionMask);
        var rotary = RotaryFactors(positionIds);

        var embedding = Weight("model.embed_tokens.weight", _spec.VocabSize, _spec.HiddenSize, castToFloat: false);
        var hidden = ToFloat(_graph.Node("Gather", "/model/embed_tokens/Gather", [embedding, inputIds], OnnxAttribute.Int("axis", 0)));
        for (var layer = 0; layer < _spec.Layers; layer++)
        {
            hidden = DecoderLayer(layer, hidden, bias, rotary);
        }

        var normed = RmsNorm("model.norm", hidden);
        var lmHead = Weight("lm_head.weight", _spec.HiddenSize, _spec.VocabSize);
        if (_spec.Float16)
        {
            var logits32 = _graph.Node("MatMul", "/lm_head/MatMul", [normed, lmHead]);
            _graph.Node("Cast", DecoderNames.Logits, [logits32], OnnxAttribute.Int("to", (long)OnnxDataType.Float16));
        }
        else
        {
            _graph.Node("MatMul", DecoderNames.Logits, [normed, lmHead]);
        }

        _graph.Output(DecoderNames.Logits, _storageType, DecoderNames.Batch, DecoderNames.Sequence, _spec.VocabSize);
        for (var layer = 0; layer < _spec.Layers; layer++)
        {
            _graph.Output(DecoderNames.PresentKey(layer), _storageType, KvShape(DecoderNames.TotalSequence));
            _graph.Output(DecoderNames.PresentValue(layer), _storageType, KvShape(DecoderNames.TotalSequence));
        }

        return _graph.Build();
    }

    private string DecoderLayer(int layer, string hidden, string bias, RotaryFactors rotary)
    {
        var prefix = $"model.layers.{layer}";
        var attention = Attention(layer, RmsNorm($"{prefix}.input_layernorm", hidden), bias, rotary);
        hidden = _graph.Node("Add", $"/{prefix}/attn_residual", [hidden, attention]);
        var mlp = Mlp(prefix, RmsNorm($"{prefix}.post_attention_layernorm", hidden));
        return _graph.Node("Add", $"/{prefix}/mlp_residual", [hidden, mlp]);
    }

    private OnnxDim[] KvShape(string sequenceDim) => [DecoderNames.Batch, _spec.KvHeads, sequenceDim, _spec.HeadSize];
}
