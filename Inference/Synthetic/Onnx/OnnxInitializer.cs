namespace Platform.Inference.Synthetic.Onnx;

/// <summary>A constant tensor of the graph (TensorProto), its data stored inline as raw_data or in an external file.</summary>
internal sealed class OnnxInitializer
{
    public OnnxInitializer(string name, OnnxDataType dataType, IReadOnlyList<long> dims, TensorPayload payload)
    {
        var elements = dims.Aggregate(1L, (product, dim) => product * dim);
        if (payload.ByteLength != elements * dataType.ByteSize())
        {
            throw new ArgumentException(
                $"Initializer '{name}' has {payload.ByteLength} bytes but its shape needs {elements * dataType.ByteSize()}.", nameof(payload));
        }

        Name = name;
        DataType = dataType;
        Dims = dims;
        Payload = payload;
    }

    public string Name { get; }

    public OnnxDataType DataType { get; }

    public IReadOnlyList<long> Dims { get; }

    public TensorPayload Payload { get; }

    /// <summary>
    /// The TensorProto fields other than raw_data. With <paramref name="external"/> the tensor points into
    /// the data file instead (data_location EXTERNAL plus location/offset/length entries) and has no raw_data.
    /// </summary>
    // TensorProto: dims = 1 (unpacked), data_type = 2, name = 8, external_data = 13, data_location = 14.
    public byte[] EncodeHeader(ExternalDataLocation? external) => ProtoWriter.Encode(writer =>
    {
        foreach (var dim in Dims)
        {
            writer.WriteInt64(1, dim);
        }

        writer.WriteInt64(2, (long)DataType);
        writer.WriteString(8, Name);
        if (external is { } location)
        {
            WriteEntry(writer, "location", location.FileName);
            WriteEntry(writer, "offset", location.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            WriteEntry(writer, "length", Payload.ByteLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteInt64(14, 1);
        }
    });

    // StringStringEntryProto: key = 1, value = 2.
    private static void WriteEntry(ProtoWriter writer, string key, string value) =>
        writer.WriteMessage(13, entry =>
        {
            entry.WriteString(1, key);
            entry.WriteString(2, value);
        });
}

/// <summary>Where an initializer's bytes sit in the external data file.</summary>
internal readonly record struct ExternalDataLocation(string FileName, long Offset);
