using Platform.Inference.Synthetic.Onnx;

namespace Platform.Api.Tests.Inference.Synthetic;

public sealed class OnnxModelFileTests
{
    private static readonly byte[] SmallWeight = Enumerable.Range(0, 6 * sizeof(float)).Select(i => (byte)i).ToArray();
    private static readonly byte[] LargeWeight = Enumerable.Range(0, 5000 * sizeof(float)).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Write_SmallGraph_DecodesToModelProtoWithGraphFields()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("model.onnx");

        OnnxModelFile.Write(path, BuildGraph(), opsetVersion: 17);

        var model = new ProtoMessage(File.ReadAllBytes(path));
        Assert.Equal(8, model.Int64(1));
        var opset = model.Message(8);
        Assert.Equal(17, opset.Int64(2));
        var graph = model.Message(7);
        Assert.Equal("test", graph.String(2));
        Assert.Equal(["MatMul", "Add"], graph.Messages(1).Select(node => node.String(4)));

        var input = graph.Messages(11).Single();
        Assert.Equal("x", input.String(1));
        var tensorType = input.Message(2).Message(1);
        Assert.Equal(1, tensorType.Int64(1));
        var dims = tensorType.Message(2).Messages(1).ToList();
        Assert.Equal("batch", dims[0].String(2));
        Assert.Equal(3, dims[1].Int64(1));

        var weight = graph.Messages(5).Single(t => t.String(8) == "w");
        Assert.Equal([3L, 2L], weight.Int64s(1));
        Assert.Equal(SmallWeight, weight.Bytes(9).ToArray());
        Assert.False(File.Exists(path + ".data"));
    }

    [Fact]
    public void Write_NodeAttributes_EncodeTypeAndValue()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("model.onnx");

        OnnxModelFile.Write(path, BuildGraph(), opsetVersion: 17);

        var add = new ProtoMessage(File.ReadAllBytes(path)).Message(7).Messages(1).Single(node => node.String(4) == "Add");
        var attributes = add.Messages(5).ToDictionary(a => a.String(1));
        Assert.Equal(2, attributes["axis"].Int64(20));
        Assert.Equal(-1, attributes["axis"].Int64(3));
        Assert.Equal(7, attributes["perm"].Int64(20));
        Assert.Equal([0L, 2L, 1L], attributes["perm"].Int64s(8));
        Assert.Equal(1, attributes["alpha"].Int64(20));
        Assert.Equal(0.5f, BitConverter.ToSingle(attributes["alpha"].Bytes(2).Span));
    }

    [Fact]
    public void Write_TensorOverInlineLimit_GoesToAlignedExternalData()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("model.onnx");

        OnnxModelFile.Write(path, BuildGraph(withLargeWeight: true), opsetVersion: 17, inlineLimit: 2000);

        var graph = new ProtoMessage(File.ReadAllBytes(path)).Message(7);
        var small = graph.Messages(5).Single(t => t.String(8) == "w");
        Assert.True(small.Has(9));
        var large = graph.Messages(5).Single(t => t.String(8) == "big");
        Assert.False(large.Has(9));
        Assert.Equal(1, large.Int64(14));
        var entries = large.Messages(13).ToDictionary(e => e.String(1), e => e.String(2));
        Assert.Equal("model.onnx.data", entries["location"]);
        var offset = long.Parse(entries["offset"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, offset % 4096);
        Assert.Equal(LargeWeight.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), entries["length"]);
        var data = File.ReadAllBytes(path + ".data");
        Assert.Equal(LargeWeight, data.AsSpan((int)offset, LargeWeight.Length).ToArray());
    }

    [Fact]
    public void Initializer_PayloadLengthDoesNotMatchShape_Throws()
    {
        var builder = new OnnxGraphBuilder("test");

        var error = Assert.Throws<ArgumentException>(() => builder.Initializer("w", OnnxDataType.Float, [2, 2], new BytesPayload(new byte[12])));

        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_InputNotYetDefined_Throws()
    {
        var builder = new OnnxGraphBuilder("test");

        Assert.Throws<InvalidOperationException>(() => builder.Node("Neg", "n", ["missing"]));
    }

    private static OnnxGraph BuildGraph(bool withLargeWeight = false)
    {
        var builder = new OnnxGraphBuilder("test");
        var x = builder.Input("x", OnnxDataType.Float, "batch", 3);
        var w = builder.Initializer("w", OnnxDataType.Float, [3, 2], new BytesPayload(SmallWeight));
        if (withLargeWeight)
        {
            builder.Initializer("big", OnnxDataType.Float, [5000], new BytesPayload(LargeWeight));
        }

        var y = builder.Node("MatMul", "y", [x, w]);
        builder.Node("Add", "z", [y, y], OnnxAttribute.Int("axis", -1), OnnxAttribute.IntList("perm", 0, 2, 1), OnnxAttribute.Float("alpha", 0.5f));
        builder.Output("z", OnnxDataType.Float, "batch", 2);
        return builder.Build();
    }
}
