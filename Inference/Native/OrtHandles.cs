using System.Runtime.InteropServices;

namespace Platform.Inference.Native;

/// <summary>
/// Base of every ORT object we own: a <see cref="SafeHandle"/> so that a handle that escapes a <c>using</c>
/// is still released by its finalizer, and released exactly once.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(OrtApi api, nint value)
        : base(0, ownsHandle: true)
    {
        Api = api;
        SetHandle(value);
    }

    public override bool IsInvalid => handle == 0;

    protected OrtApi Api { get; }
}

internal sealed unsafe class OrtEnvHandle(OrtApi api, nint value) : OrtHandle(api, value)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseEnv(handle);
        return true;
    }
}

internal sealed unsafe class OrtSessionOptionsHandle(OrtApi api, nint value) : OrtHandle(api, value)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed unsafe class OrtSessionHandle(OrtApi api, nint value) : OrtHandle(api, value)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseSession(handle);
        return true;
    }
}

internal sealed unsafe class OrtValueHandle(OrtApi api, nint value) : OrtHandle(api, value)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseValue(handle);
        return true;
    }
}

internal sealed unsafe class OrtMemoryInfoHandle(OrtApi api, nint value) : OrtHandle(api, value)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseMemoryInfo(handle);
        return true;
    }
}

/// <summary>Memory we allocate for tensor data that ORT reads in place; ORT never frees it.</summary>
internal sealed unsafe class NativeBufferHandle : SafeHandle
{
    public NativeBufferHandle(nuint byteCount)
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
