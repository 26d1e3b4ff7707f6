using Microsoft.ML.OnnxRuntime;

namespace Platform.Inference.Ort;

/// <summary>
/// Inputs and outputs bound to a session once and run as often as they keep their tensors: the managed API's
/// <c>Run</c> converts every name to UTF-8 and builds handle arrays on each call, a bound run allocates nothing. The
/// bound tensors must outlive the binding or be re-bound; <see cref="Clear"/> lets go of all of them.
/// </summary>
public sealed class OrtBinding : IDisposable
{
    private readonly OrtSession _session;
    private readonly OrtIoBinding _binding;
    private int _disposed;

    internal OrtBinding(OrtSession session, OrtIoBinding binding)
    {
        _session = session;
        _binding = binding;
    }

    internal OrtIoBinding Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return _binding;
        }
    }

    public void Input(string name, OrtTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _session.RequireInput(name);
        Bind(() => Native.BindInput(name, tensor.Value));
    }

    /// <summary>Binds an output ORT writes into in place; the tensor must have exactly the shape the run produces.</summary>
    public void Output(string name, OrtTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _session.RequireOutput(name);
        Bind(() => Native.BindOutput(name, tensor.Value));
    }

    /// <summary>Lets go of every bound tensor (the binding holds ORT's references to them until then).</summary>
    public void Clear()
    {
        Native.ClearBoundInputs();
        Native.ClearBoundOutputs();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _binding.Dispose();
        }
    }

    private static void Bind(Action bind)
    {
        try
        {
            bind();
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtException.From(ex);
        }
    }
}
