using Platform.Inference.Synthetic.Onnx;

namespace Platform.Inference.Synthetic.Llama;

/// <summary>The additive attention bias shared by every layer: causal order combined with the padding mask.</summary>
internal sealed partial class LlamaGraph
{
    // Finite, so a row with every key masked still softmaxes to numbers; exp() of it is exactly 0 in float32.
    private const float MaskedScore = -1e9f;

    /// <summary>
    /// Returns a float [batch, 1, 1, seq, total] bias: 0 where query i (absolute position past + i) may see key j,
    /// <see cref="MaskedScore"/> elsewhere. A key is visible when j &lt;= past + i and attention_mask[b, j] is 1.
    /// A query always sees its own position, so a padded query (whose keys are all padding) stays finite;
    /// a real query never sees a padded key, so left padding leaves real rows equal to an unpadded run.
    /// </summary>
    private string AttentionBias(string inputIds, string attentionMask)
    {
        const string path = "/model/attention_bias";
        var newLength = _graph.Node("Shape", $"{path}/seq_len", [inputIds], OnnxAttribute.Int("start", 1), OnnxAttribute.Int("end", 2));
        var totalLength = _graph.Node("Shape", $"{path}/total_len", [attentionMask], OnnxAttribute.Int("start", 1), OnnxAttribute.Int("end", 2));
        var pastLength = _graph.Node("Sub", $"{path}/past_len", [totalLength, newLength]);
        var total = _graph.Node("Squeeze", $"{path}/total_scalar", [totalLength]);
        var past = _graph.Node("Squeeze", $"{path}/past_scalar", [pastLength]);
        var one = _graph.Int64Scalar(1);

        var keyPositions = _graph.Node("Range", $"{path}/key_positions", [_graph.Int64Scalar(0), total, one]);
        var queryPositions = _graph.Node("Range", $"{path}/query_positions", [past, total, one]);
        var keyRow = _graph.Node("Unsqueeze", $"{path}/key_row", [keyPositions, _graph.Int64s(0)]);
        var queryColumn = _graph.Node("Unsqueeze", $"{path}/query_column", [queryPositions, _graph.Int64s(1)]);
        var causal = _graph.Node("LessOrEqual", $"{path}/causal", [keyRow, queryColumn]);
        var self = _graph.Node("Equal", $"{path}/self", [keyRow, queryColumn]);

        var keep = _graph.Node("Cast", $"{path}/keep", [attentionMask], OnnxAttribute.Int("to", (long)OnnxDataType.Bool));
        var keepRow = _graph.Node("Unsqueeze", $"{path}/keep_row", [keep, _graph.Int64s(1)]);
        var visible = _graph.Node("And", $"{path}/visible", [causal, keepRow]);
        var allowed = _graph.Node("Or", $"{path}/allowed", [visible, self]);
        var bias = _graph.Node("Where", $"{path}/bias", [allowed, _graph.FloatScalar(0f), _graph.FloatScalar(MaskedScore)]);
        return _graph.Node("Unsqueeze", $"{path}/bias_5d", [bias, _graph.Int64s(1, 2)]);
    }
}
