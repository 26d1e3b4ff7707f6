namespace Platform.Inference.Synthetic.Onnx;

/// <summary>A node attribute: one int, a list of ints, or one float (the kinds our graphs need).</summary>
internal sealed record OnnxAttribute
{
    // AttributeProto.AttributeType values.
    private const int FloatType = 1;
    private const int IntType = 2;
    private const int IntsType = 7;

    private OnnxAttribute(string name, int type, long[] ints, float value)
    {
        Name = name;
        Type = type;
        Ints = ints;
        FloatValue = value;
    }

    public string Name { get; }

    public int Type { get; }

    public IReadOnlyList<long> Ints { get; }

    public float FloatValue { get; }

    public static OnnxAttribute Int(string name, long value) => new(name, IntType, [value], 0);

    public static OnnxAttribute IntList(string name, params long[] values) => new(name, IntsType, values, 0);

    public static OnnxAttribute Float(string name, float value) => new(name, FloatType, [], value);

    // AttributeProto: name = 1, f = 2, i = 3, ints = 8 (proto2, unpacked), type = 20.
    public void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        writer.WriteInt64(20, Type);
        switch (Type)
        {
            case FloatType:
                writer.WriteFloat(2, FloatValue);
                break;
            case IntType:
                writer.WriteInt64(3, Ints[0]);
                break;
            default:
                foreach (var value in Ints)
                {
                    writer.WriteInt64(8, value);
                }

                break;
        }
    }
}
