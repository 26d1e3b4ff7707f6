using System.Runtime.InteropServices;

namespace Platform.Inference.Native;

/// <summary>
/// The slice of ONNX Runtime's function table that we call, read once from <c>OrtGetApiBase()->GetApi(version)</c>.
/// Every function that returns an <c>OrtStatus*</c> goes through <see cref="Check"/>, so a failure becomes an
/// <see cref="OrtException"/> carrying ORT's own message and the status is always released.
/// </summary>
internal sealed unsafe class OrtApi
{
    public readonly delegate* unmanaged[Cdecl]<nint, int> GetErrorCode;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateRunOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> RunOptionsSetRunLogSeverityLevel;
    public readonly delegate* unmanaged[Cdecl]<nint, nint> RunOptionsSetTerminate;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged[Cdecl]<byte***, int*, nint> GetAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<byte**, int, nint> ReleaseAvailableProviders;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseRunOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public readonly delegate* unmanaged[Cdecl]<nint, nint, nint> SessionOptionsAppendExecutionProviderCudaV2;
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint> UpdateCudaProviderOptions;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseCudaProviderOptions;

    public OrtApi(nint table)
    {
        nint Slot(int index) => Marshal.ReadIntPtr(table, index * IntPtr.Size);

        GetErrorCode = (delegate* unmanaged[Cdecl]<nint, int>)Slot(OrtApiIndex.GetErrorCode);
        GetErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)Slot(OrtApiIndex.GetErrorMessage);
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)Slot(OrtApiIndex.CreateEnv);
        CreateSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)Slot(OrtApiIndex.CreateSession);
        Run = (delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)Slot(OrtApiIndex.Run);
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(OrtApiIndex.CreateSessionOptions);
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(OrtApiIndex.SetSessionGraphOptimizationLevel);
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(OrtApiIndex.SetIntraOpNumThreads);
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(OrtApiIndex.SetInterOpNumThreads);
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(OrtApiIndex.SessionGetInputCount);
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(OrtApiIndex.SessionGetOutputCount);
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Slot(OrtApiIndex.SessionGetInputTypeInfo);
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Slot(OrtApiIndex.SessionGetOutputTypeInfo);
        SessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Slot(OrtApiIndex.SessionGetInputName);
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Slot(OrtApiIndex.SessionGetOutputName);
        CreateRunOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(OrtApiIndex.CreateRunOptions);
        RunOptionsSetRunLogSeverityLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(OrtApiIndex.RunOptionsSetRunLogSeverityLevel);
        RunOptionsSetTerminate = (delegate* unmanaged[Cdecl]<nint, nint>)Slot(OrtApiIndex.RunOptionsSetTerminate);
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)Slot(OrtApiIndex.CreateTensorWithDataAsOrtValue);
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<nint, void**, nint>)Slot(OrtApiIndex.GetTensorMutableData);
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)Slot(OrtApiIndex.CastTypeInfoToTensorInfo);
        GetTensorElementType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)Slot(OrtApiIndex.GetTensorElementType);
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(OrtApiIndex.GetDimensionsCount);
        GetDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)Slot(OrtApiIndex.GetDimensions);
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)Slot(OrtApiIndex.GetTensorTypeAndShape);
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)Slot(OrtApiIndex.CreateCpuMemoryInfo);
        AllocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)Slot(OrtApiIndex.AllocatorFree);
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(OrtApiIndex.GetAllocatorWithDefaultOptions);
        GetAvailableProviders = (delegate* unmanaged[Cdecl]<byte***, int*, nint>)Slot(OrtApiIndex.GetAvailableProviders);
        ReleaseAvailableProviders = (delegate* unmanaged[Cdecl]<byte**, int, nint>)Slot(OrtApiIndex.ReleaseAvailableProviders);
        ReleaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseEnv);
        ReleaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseStatus);
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseMemoryInfo);
        ReleaseSession = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseSession);
        ReleaseValue = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseValue);
        ReleaseRunOptions = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseRunOptions);
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseTypeInfo);
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseTensorTypeAndShapeInfo);
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseSessionOptions);
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)Slot(OrtApiIndex.AddSessionConfigEntry);
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged[Cdecl]<nint, nint, nint>)Slot(OrtApiIndex.SessionOptionsAppendExecutionProviderCudaV2);
        CreateCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(OrtApiIndex.CreateCudaProviderOptions);
        UpdateCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)Slot(OrtApiIndex.UpdateCudaProviderOptions);
        ReleaseCudaProviderOptions = (delegate* unmanaged[Cdecl]<nint, void>)Slot(OrtApiIndex.ReleaseCudaProviderOptions);
    }

    /// <summary>Element type and dimensions from an <c>OrtTensorTypeAndShapeInfo</c> (owned by the caller).</summary>
    public (TensorElementType Type, long[] Dimensions) ReadTypeAndShape(nint tensorInfo)
    {
        int type;
        Check(GetTensorElementType(tensorInfo, &type));
        nuint rank;
        Check(GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        fixed (long* dimsPtr = dims)
        {
            Check(GetDimensions(tensorInfo, dimsPtr, rank));
        }

        return ((TensorElementType)type, dims);
    }

    /// <summary>Turns a non-null status into an exception, copying ORT's message before the status is released.</summary>
    public void Check(nint status)
    {
        if (status == 0)
        {
            return;
        }

        var code = (OrtErrorCode)GetErrorCode(status);
        var message = (Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "(no message)").TrimEnd();
        ReleaseStatus(status);
        throw new OrtException(code, message);
    }
}
