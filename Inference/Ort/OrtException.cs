using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace Platform.Inference.Ort;

/// <summary>ORT's <c>OrtErrorCode</c> values (onnxruntime_c_api.h).</summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    ExecutionProviderFail = 11,
}

/// <summary>A failed ONNX Runtime call, with ORT's own error code and message; the ORT exception type stays in this folder.</summary>
public sealed partial class OrtException : Exception
{
    public OrtException(OrtErrorCode code, string message)
        : base($"ONNX Runtime error {code}: {message}")
    {
        Code = code;
        OrtMessage = message;
    }

    public OrtException()
    {
    }

    public OrtException(string message)
        : base(message)
    {
    }

    public OrtException(string message, Exception innerException)
        : base(message, innerException)
    {
        OrtMessage = message;
    }

    private OrtException(OrtErrorCode code, string message, OnnxRuntimeException inner)
        : base($"ONNX Runtime error {code}: {message}", inner)
    {
        Code = code;
        OrtMessage = message;
    }

    public OrtErrorCode Code { get; }

    public string OrtMessage { get; } = string.Empty;

    /// <summary>The managed API keeps the code only in its message ("[ErrorCode:Fail] ..."): read it back from there.</summary>
    internal static OrtException From(OnnxRuntimeException inner)
    {
        var match = CodePrefix().Match(inner.Message);
        return match.Success
            ? new OrtException(Enum.TryParse<OrtErrorCode>(match.Groups[1].Value, out var code) ? code : OrtErrorCode.Fail, match.Groups[2].Value.Trim(), inner)
            : new OrtException(OrtErrorCode.Fail, inner.Message.Trim(), inner);
    }

    [GeneratedRegex(@"^\[ErrorCode:(\w+)\]\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex CodePrefix();
}
