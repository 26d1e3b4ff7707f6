namespace Platform.Inference.Synthetic.Onnx;

/// <summary>
/// Serializes a ModelProto. The graph's small fields are encoded in memory; the initializers' bytes are
/// streamed from their payloads. Protobuf cannot read a message of 2 GiB or more, so an initializer that
/// would take the file past <c>inlineLimit</c> goes to <c>&lt;file&gt;.data</c> as ONNX external data.
/// </summary>
internal static class OnnxModelFile
{
    public const long DefaultInlineLimit = 1_800_000_000;

    // ONNX 1.12 (opset 17) writes IR version 8; ONNX Runtime 1.30 reads it.
    private const long IrVersion = 8;
    private const int ExternalAlignment = 4096;
    private const int CopyBufferSize = 1 << 20;

    public static void Write(string path, OnnxGraph graph, int opsetVersion, long inlineLimit = DefaultInlineLimit)
    {
        var dataFileName = Path.GetFileName(path) + ".data";
        var dataPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, dataFileName);

        // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8.
        var modelFields = ProtoWriter.Encode(model =>
        {
            model.WriteInt64(1, IrVersion);
            model.WriteString(2, "Platform.Synthetic");
            model.WriteString(3, "1");
            model.WriteMessage(8, opset =>
            {
                opset.WriteString(1, string.Empty);
                opset.WriteInt64(2, opsetVersion);
            });
        });

        // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
        var graphFields = ProtoWriter.Encode(writer =>
        {
            foreach (var node in graph.Nodes)
            {
                writer.WriteMessage(1, node.WriteTo);
            }

            writer.WriteString(2, graph.Name);
            foreach (var input in graph.Inputs)
            {
                writer.WriteMessage(11, input.WriteTo);
            }

            foreach (var output in graph.Outputs)
            {
                writer.WriteMessage(12, output.WriteTo);
            }
        });

        var plan = Plan(graph.Initializers, modelFields.Length + graphFields.Length, dataFileName, inlineLimit);
        var graphLength = graphFields.Length + plan.Sum(p => ProtoWriter.LengthDelimitedSize(5, p.TensorLength));

        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize))
        {
            var writer = new ProtoWriter(file);
            file.Write(modelFields);
            writer.WriteLengthPrefix(7, graphLength);
            file.Write(graphFields);
            foreach (var item in plan)
            {
                writer.WriteLengthPrefix(5, item.TensorLength);
                file.Write(item.Header);
                if (item.External is null)
                {
                    writer.WriteLengthPrefix(9, item.Initializer.Payload.ByteLength);
                    WritePayload(file, item.Initializer);
                }
            }
        }

        WriteExternalData(dataPath, plan);
    }

    private static List<PlannedTensor> Plan(IReadOnlyList<OnnxInitializer> initializers, long fixedBytes, string dataFileName, long inlineLimit)
    {
        var plan = new List<PlannedTensor>(initializers.Count);
        var fileBytes = fixedBytes + 16; // the graph field's tag and length
        var dataBytes = 0L;
        foreach (var initializer in initializers)
        {
            var header = initializer.EncodeHeader(null);
            var inlineLength = header.Length + ProtoWriter.LengthDelimitedSize(9, initializer.Payload.ByteLength);
            var inlineSize = ProtoWriter.LengthDelimitedSize(5, inlineLength);
            if (fileBytes + inlineSize <= inlineLimit)
            {
                fileBytes += inlineSize;
                plan.Add(new PlannedTensor(initializer, header, inlineLength, null));
                continue;
            }

            var offset = (dataBytes + ExternalAlignment - 1) / ExternalAlignment * ExternalAlignment;
            var external = new ExternalDataLocation(dataFileName, offset);
            var externalHeader = initializer.EncodeHeader(external);
            dataBytes = offset + initializer.Payload.ByteLength;
            fileBytes += ProtoWriter.LengthDelimitedSize(5, externalHeader.Length);
            plan.Add(new PlannedTensor(initializer, externalHeader, externalHeader.Length, external));
        }

        return plan;
    }

    private static void WriteExternalData(string dataPath, List<PlannedTensor> plan)
    {
        if (plan.TrueForAll(p => p.External is null))
        {
            // A data file left by an earlier, larger model in this folder would only mislead.
            File.Delete(dataPath);
            return;
        }

        using var data = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize);
        foreach (var item in plan)
        {
            if (item.External is { } location)
            {
                data.Write(new byte[location.Offset - data.Position]);
                WritePayload(data, item.Initializer);
            }
        }
    }

    private static void WritePayload(FileStream output, OnnxInitializer initializer)
    {
        var start = output.Position;
        initializer.Payload.WriteTo(output);
        if (output.Position - start != initializer.Payload.ByteLength)
        {
            throw new InvalidOperationException(
                $"Initializer '{initializer.Name}' wrote {output.Position - start} bytes, not the {initializer.Payload.ByteLength} it declared.");
        }
    }

    private sealed record PlannedTensor(OnnxInitializer Initializer, byte[] Header, long TensorLength, ExternalDataLocation? External);
}
