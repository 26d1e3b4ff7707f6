namespace Platform.Inference.Native;

/// <summary>
/// A dense tensor as an ORT value: either over memory we allocated (inputs) or allocated by ORT (outputs).
/// Its data is reachable only as a typed span, so no raw pointer leaves this folder.
/// </summary>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly OrtValueHandle _value;
    private readonly NativeBufferHandle? _ownedBuffer;
    private readonly void* _data;

    // A view keeps the tensor whose memory it reads alive.
    private readonly OrtTensor? _viewed;

    private OrtTensor(OrtValueHandle value, NativeBufferHandle? ownedBuffer, void* data, TensorElementType elementType, long[] shape, OrtTensor? viewed = null)
    {
        _viewed = viewed;
        _value = value;
        _ownedBuffer = ownedBuffer;
        _data = data;
        ElementType = elementType;
        Shape = shape;
        ElementCount = CountElements(shape);
    }

    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; do not modify.</summary>
    public IReadOnlyList<long> Shape { get; }

    public long ElementCount { get; }

    internal nint Handle => _value.DangerousGetHandle();

    /// <summary>Allocates a zero-filled tensor in our own (64-byte aligned) memory; ORT reads and writes it in place.</summary>
    public static OrtTensor Allocate(OrtRuntime runtime, TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var dims = shape.ToArray();
        var count = CountElements(dims);
        var buffer = new NativeBufferHandle((nuint)(count * elementType.SizeInBytes()));
        var api = runtime.Api;
        nint value;
        fixed (long* dimsPtr = dims)
        {
            // A zero-element tensor (an empty past at the first step) is passed with no data at all.
            var data = buffer.IsInvalid ? null : (void*)buffer.DangerousGetHandle();
            try
            {
                api.Check(api.CreateTensorWithDataAsOrtValue(runtime.CpuMemoryInfo, data, buffer.ByteCount, dimsPtr, (nuint)dims.Length, (int)elementType, &value));
            }
            catch
            {
                buffer.Dispose();
                throw;
            }

            return new OrtTensor(new OrtValueHandle(api, value), buffer, data, elementType, dims);
        }
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> over the first elements of <paramref name="buffer"/>'s memory, without
    /// allocating: a step's input whose shape changes every step reuses one buffer. Disposing the view leaves the buffer.
    /// </summary>
    public static OrtTensor View(OrtRuntime runtime, OrtTensor buffer, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(buffer);
        ObjectDisposedException.ThrowIf(buffer._value.IsClosed, buffer);
        var dims = shape.ToArray();
        var count = CountElements(dims);
        if (count > buffer.ElementCount)
        {
            throw new ArgumentException($"A view of {count} elements does not fit a buffer of {buffer.ElementCount}.", nameof(shape));
        }

        var api = runtime.Api;
        nint value;
        fixed (long* dimsPtr = dims)
        {
            var data = count == 0 ? null : buffer._data;
            api.Check(api.CreateTensorWithDataAsOrtValue(runtime.CpuMemoryInfo, data, (nuint)(count * buffer.ElementType.SizeInBytes()), dimsPtr, (nuint)dims.Length, (int)buffer.ElementType, &value));
        }

        return new OrtTensor(new OrtValueHandle(api, value), null, buffer._data, buffer.ElementType, dims, buffer);
    }

    /// <summary>Allocates a tensor and fills it from <paramref name="values"/>.</summary>
    public static OrtTensor FromSpan<T>(OrtRuntime runtime, TensorElementType elementType, ReadOnlySpan<long> shape, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var tensor = Allocate(runtime, elementType, shape);
        values.CopyTo(tensor.AsSpan<T>());
        return tensor;
    }

    /// <summary>Takes ownership of an ORT-allocated output value.</summary>
    internal static OrtTensor FromOrtValue(OrtApi api, nint value)
    {
        var handle = new OrtValueHandle(api, value);
        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info));
        try
        {
            var (type, dims) = api.ReadTypeAndShape(info);
            void* data = null;
            if (CountElements(dims) > 0)
            {
                api.Check(api.GetTensorMutableData(value, &data));
            }

            return new OrtTensor(handle, null, data, type, dims);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(info);
        }
    }

    /// <summary>The elements as <typeparamref name="T"/>, which must have the element type's size.</summary>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_value.IsClosed, this);
        if (sizeof(T) != ElementType.SizeInBytes())
        {
            throw new InvalidOperationException($"A {ElementType} tensor cannot be read as {typeof(T).Name}.");
        }

        return ElementCount == 0 ? [] : new Span<T>(_data, checked((int)ElementCount));
    }

    public void Dispose()
    {
        _value.Dispose();
        _ownedBuffer?.Dispose();
    }

    private static long CountElements(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException("Tensor dimensions must be non-negative.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }
}
