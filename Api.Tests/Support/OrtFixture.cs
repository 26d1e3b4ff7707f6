using Platform.Inference.Native;

namespace Platform.Api.Tests.Support;

/// <summary>One real ONNX Runtime for the tests that need it (ORT's environment is process-wide anyway).</summary>
public sealed class OrtFixture : IDisposable
{
    public OrtFixture()
    {
        var path = Environment.GetEnvironmentVariable("PLATFORM_ONNXRUNTIME_PATH")
            ?? Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1");
        Runtime = OrtRuntime.Load(path);
    }

    public OrtRuntime Runtime { get; }

    public void Dispose() => Runtime.Dispose();
}

[CollectionDefinition(Name)]
public sealed class OrtTests : ICollectionFixture<OrtFixture>
{
    public const string Name = "ONNX Runtime";
}
