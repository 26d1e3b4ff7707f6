using System.Runtime.InteropServices;

namespace Platform.Inference.Ort;

/// <summary>
/// Memory we allocate for tensor data that ORT reads and writes in place (64-byte aligned, zero-filled); ORT
/// never frees it. A <see cref="SafeHandle"/>, so a buffer that escapes a <c>using</c> is still freed, exactly once.
/// </summary>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    public NativeBuffer(nuint byteCount)
        : base(0, ownsHandle: true)
    {
        ByteCount = byteCount;
        if (byteCount > 0)
        {
            SetHandle((nint)NativeMemory.AlignedAlloc(byteCount, 64));
            NativeMemory.Clear((void*)handle, byteCount);
        }
    }

    public nuint ByteCount { get; }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}
