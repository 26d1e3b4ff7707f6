using Platform.Inference.Ort;

namespace Platform.Api.Tests.Support;

/// <summary>One real ONNX Runtime for the tests that need it (ORT's environment is process-wide anyway).</summary>
public sealed class OrtFixture : IDisposable
{
    public OrtRuntime Runtime { get; } = OrtRuntime.Create();

    public void Dispose() => Runtime.Dispose();
}

[CollectionDefinition(Name)]
public sealed class OrtTests : ICollectionFixture<OrtFixture>
{
    public const string Name = "ONNX Runtime";
}
