using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// The KV caches of prompts prefilled together, left-padded to <see cref="PaddedLength"/>, until their sequences
/// join the running batch (which copies the rows); the scheduler releases it after that re-pack.
/// </summary>
internal sealed class StagedKv(OrtTensor[] tensors, int batch, int paddedLength) : IDisposable
{
    private OrtTensor[] _tensors = tensors;

    public IReadOnlyList<OrtTensor> Tensors => _tensors;

    public int Batch { get; } = batch;

    public int PaddedLength { get; } = paddedLength;

    public void Dispose()
    {
        foreach (var tensor in _tensors)
        {
            tensor.Dispose();
        }

        _tensors = [];
    }
}
