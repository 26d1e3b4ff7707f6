using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Platform.Inference.Ort;

/// <summary>
/// A session's own CPU allocator (the arena its outputs come from), which keeps what it allocated for reuse. A value
/// allocated through it calls back into this allocator when it is released, so the allocator is released only once
/// the session and every value from it are gone: a value that is never disposed (finalized late, after the session)
/// keeps it alive rather than calling into freed memory.
/// </summary>
internal sealed class SessionArena(InferenceSession session)
{
    private readonly Lock _lock = new();
    private OrtAllocator? _allocator;
    private bool _unavailable;
    private bool _sessionReleased;

    // The session's own hold plus one per live value.
    private int _holds = 1;

    /// <summary>A value from the arena, or null when the session offers no CPU allocator (the caller allocates its own memory).</summary>
    public OrtValue? TryAllocate(TensorElementType elementType, long[] shape)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_sessionReleased, this);
            if (_unavailable)
            {
                return null;
            }

            try
            {
                _allocator ??= new OrtAllocator(session, OrtRuntime.CpuMemory);
            }
            catch (OnnxRuntimeException)
            {
                _unavailable = true;
                return null;
            }

            var value = OrtValue.CreateAllocatedTensorValue(_allocator, (OrtElementType)(int)elementType, shape);
            _holds++;
            return value;
        }
    }

    /// <summary>The session is gone: no more values, and its hold is dropped.</summary>
    public void ReleaseSession()
    {
        lock (_lock)
        {
            _sessionReleased = true;
        }

        Release();
    }

    /// <summary>Drops one hold: a value's, after it was released, or the session's.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (--_holds == 0)
            {
                _allocator?.Dispose();
                _allocator = null;
            }
        }
    }
}
