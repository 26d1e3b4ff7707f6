using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// One sequence's past keys and values: the previous step's present outputs, fed back unchanged as the next
/// step's past inputs (no copy). Disposing it returns the memory at once.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private OrtTensor[] _tensors;

    private KvCache(OrtTensor[] tensors, int length)
    {
        _tensors = tensors;
        Length = length;
    }

    /// <summary>Positions held (the past length of the next step).</summary>
    public int Length { get; private set; }

    public IReadOnlyList<OrtTensor> Tensors => _tensors;

    /// <summary>An empty past: zero-length tensors, as exporters expect at the first step.</summary>
    public static KvCache Empty(OrtRuntime runtime, DecoderSignature signature)
    {
        var shape = signature.PastShape(batch: 1, pastLength: 0);
        var tensors = new OrtTensor[signature.PastNames.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            tensors[i] = OrtTensor.Allocate(runtime, signature.KvType, shape);
        }

        return new KvCache(tensors, 0);
    }

    /// <summary>Takes the step's present outputs as the new past and releases the old one.</summary>
    public void Replace(OrtTensor[] presents, int newLength)
    {
        var old = _tensors;
        _tensors = presents;
        Length = newLength;
        foreach (var tensor in old)
        {
            tensor.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors)
        {
            tensor.Dispose();
        }

        _tensors = [];
    }
}
