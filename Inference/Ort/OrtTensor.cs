using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Platform.Inference.Ort;

/// <summary>
/// A dense CPU tensor as an ORT value: either over memory we allocated (inputs, read in place) or allocated by ORT
/// (outputs). Its data is reachable only as a typed span, so neither an ORT type nor a raw pointer leaves this folder.
/// </summary>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly NativeBuffer? _ownedBuffer;
    private readonly void* _data;

    // A view keeps the tensor whose memory it reads alive.
    private readonly OrtTensor? _viewed;

    // The session arena a value came from, held until the value is released.
    private readonly SessionArena? _arena;
    private bool _disposed;

    private OrtTensor(OrtValue value, NativeBuffer? ownedBuffer, void* data, TensorElementType elementType, long[] shape, OrtTensor? viewed = null, SessionArena? arena = null)
    {
        Value = value;
        _arena = arena;
        _ownedBuffer = ownedBuffer;
        _data = data;
        _viewed = viewed;
        ElementType = elementType;
        Shape = shape;
        ElementCount = CountElements(shape);
    }

    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; do not modify.</summary>
    public IReadOnlyList<long> Shape { get; }

    public long ElementCount { get; }

    internal OrtValue Value { get; }

    /// <summary>Allocates a zero-filled tensor in our own (64-byte aligned) memory; ORT reads and writes it in place.</summary>
    public static OrtTensor Allocate(OrtRuntime runtime, TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var dims = shape.ToArray();
        var count = CountElements(dims);
        var byteCount = count * elementType.SizeInBytes();

        // A zero-element tensor (an empty past at the first step) still gets a valid, if tiny, buffer to point at.
        var buffer = new NativeBuffer((nuint)Math.Max(byteCount, 64));
        try
        {
            var data = (void*)buffer.DangerousGetHandle();
            var value = OrtValue.CreateTensorValueWithData(OrtRuntime.CpuMemory, (OrtElementType)(int)elementType, dims, (nint)data, byteCount);
            return new OrtTensor(value, buffer, data, elementType, dims);
        }
        catch (OnnxRuntimeException ex)
        {
            buffer.Dispose();
            throw OrtException.From(ex);
        }
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> over the first elements of <paramref name="buffer"/>'s memory, without
    /// allocating data: a step's input whose shape changes every step reuses one buffer. Disposing the view leaves the buffer.
    /// </summary>
    public static OrtTensor View(OrtRuntime runtime, OrtTensor buffer, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(buffer);
        ObjectDisposedException.ThrowIf(buffer._disposed, buffer);
        var dims = shape.ToArray();
        var count = CountElements(dims);
        if (count > buffer.ElementCount)
        {
            throw new ArgumentException($"A view of {count} elements does not fit a buffer of {buffer.ElementCount}.", nameof(shape));
        }

        try
        {
            var value = OrtValue.CreateTensorValueWithData(OrtRuntime.CpuMemory, (OrtElementType)(int)buffer.ElementType, dims, (nint)buffer._data, count * buffer.ElementType.SizeInBytes());
            return new OrtTensor(value, null, buffer._data, buffer.ElementType, dims, buffer);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }

    /// <summary>Allocates a tensor and fills it from <paramref name="values"/>.</summary>
    public static OrtTensor FromSpan<T>(OrtRuntime runtime, TensorElementType elementType, ReadOnlySpan<long> shape, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var tensor = Allocate(runtime, elementType, shape);
        values.CopyTo(tensor.AsSpan<T>());
        return tensor;
    }

    /// <summary>Takes ownership of an ORT-allocated value: an output, or a value from <paramref name="arena"/>, which is released after it.</summary>
    internal static OrtTensor Adopt(OrtValue value, SessionArena? arena = null)
    {
        try
        {
            var info = value.GetTensorTypeAndShape();
            var shape = info.Shape;
            var data = CountElements(shape) == 0 ? null : Unsafe(value.GetTensorMutableRawData());
            return new OrtTensor(value, null, data, (TensorElementType)(int)info.ElementDataType, shape, arena: arena);
        }
        catch
        {
            value.Dispose();
            arena?.Release();
            throw;
        }
    }

    /// <summary>Zero-fills the data.</summary>
    internal void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_data is not null)
        {
            NativeMemory.Clear(_data, checked((nuint)(ElementCount * ElementType.SizeInBytes())));
        }
    }

    /// <summary>The elements as <typeparamref name="T"/>, which must have the element type's size.</summary>
    public Span<T> AsSpan<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sizeof(T) != ElementType.SizeInBytes())
        {
            throw new InvalidOperationException($"A {ElementType} tensor cannot be read as {typeof(T).Name}.");
        }

        return ElementCount == 0 ? [] : new Span<T>(_data, checked((int)ElementCount));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Value.Dispose();
        _arena?.Release();
        _ownedBuffer?.Dispose();
        GC.KeepAlive(_viewed);
    }

    private static void* Unsafe(Span<byte> data) => System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(data));

    /// <summary>Elements a tensor of <paramref name="shape"/> holds; throws on a negative dimension or overflow.</summary>
    internal static long CountElements(IReadOnlyList<long> shape)
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
