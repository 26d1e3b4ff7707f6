using Platform.Api.Tests.Support;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Ort;

[Collection(OrtTests.Name)]
public sealed class OrtRuntimeTests(OrtFixture ort)
{
    [Fact]
    public void Create_NuGetPackage_ReportsVersionCpuProviderAndLibrary()
    {
        Assert.Equal("1.31.1", ort.Runtime.Version);
        Assert.Contains("CPUExecutionProvider", ort.Runtime.AvailableProviders);
        Assert.Equal("cpu", OrtRuntime.BuildFlavor);

        // Loaded from the NuGet package's copy next to the test binaries, not from anything installed on the host.
        Assert.StartsWith(AppContext.BaseDirectory, ort.Runtime.LibraryPath, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeCuda_CpuBuild_ExplainsWhy()
    {
        // The CPU package has no CUDA provider at all; on a GPU host with the cuda flavour the probe returns null.
        var reason = ort.Runtime.ProbeCuda(0);
        Assert.NotNull(reason);
        Assert.Contains("CUDA", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSession_SharedModels_ReadsNamesTypesAndShapes()
    {
        using var gpt2 = ort.Runtime.CreateSession(Path.Combine(SharedData.Model("tiny-random-gpt2"), "past.onnx"), new SessionSettings());
        Assert.Equal(["input_ids", "position_ids", "attention_mask", "past_0", "past_1", "past_2", "past_3", "past_4"], gpt2.Inputs.Select(i => i.Name));
        Assert.Equal(TensorElementType.Int32, gpt2.Inputs[0].ElementType);
        Assert.Equal([2L, -1, 4, -1, 8], gpt2.Inputs[3].Shape);
        Assert.Equal([-1L, -1, 1000], gpt2.Outputs[0].Shape);

        using var llama = ort.Runtime.CreateSession(Path.Combine(SharedData.Model("tiny-random-llama"), "model.onnx"), new SessionSettings { IntraOpThreads = 1 });
        Assert.Equal(TensorElementType.Int64, llama.Inputs.Single(i => i.Name == "input_ids").ElementType);
        Assert.Equal(TensorElementType.Float16, llama.Outputs.Single(o => o.Name == "logits").ElementType);
        Assert.Equal("CPUExecutionProvider", llama.ExecutionProvider);
    }

    [Fact]
    public void AllocateFromArena_ZeroFilled_UsableAsInput_OutlivesItsSession()
    {
        var session = ort.Runtime.CreateSession(Path.Combine(SharedData.Model("tiny-random-gpt2"), "past.onnx"), new SessionSettings());
        var past = session.AllocateFromArena(TensorElementType.Float, [2, 1, 4, 3, 8]);
        Assert.Equal([2L, 1, 4, 3, 8], past.Shape);
        Assert.All(past.AsSpan<float>().ToArray(), v => Assert.Equal(0f, v));

        // A re-used block of the arena comes back zeroed too.
        past.AsSpan<float>().Fill(7f);
        past.Dispose();
        using (var again = session.AllocateFromArena(TensorElementType.Float, [2, 1, 4, 3, 8]))
        {
            Assert.All(again.AsSpan<float>().ToArray(), v => Assert.Equal(0f, v));
        }

        // A value still held when its session goes stays usable, and releasing it later does not touch a freed allocator.
        var held = session.AllocateFromArena(TensorElementType.Float16, [1, 4, 16, 8]);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.AllocateFromArena(TensorElementType.Float, [1]));
        held.AsSpan<Half>().Fill((Half)1);
        Assert.Equal((Half)1, held.AsSpan<Half>()[^1]);
        held.Dispose();
    }

    [Fact]
    public void CreateSession_NotAModel_ThrowsWithOrtMessage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not protobuf");
        try
        {
            var ex = Assert.Throws<OrtException>(() => ort.Runtime.CreateSession(path, new SessionSettings()));
            Assert.NotEqual(OrtErrorCode.Ok, ex.Code);
            Assert.False(string.IsNullOrWhiteSpace(ex.OrtMessage));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_WrongInputShape_ThrowsOrtExceptionAndSessionStillWorks()
    {
        using var session = ort.Runtime.CreateSession(Path.Combine(SharedData.Model("tiny-random-gpt2"), "past.onnx"), new SessionSettings());
        using var ids = OrtTensor.FromSpan<int>(ort.Runtime, TensorElementType.Int32, [1, 1], [5]);

        // Missing every other input: ORT reports it; nothing crashes and nothing leaks.
        var ex = Assert.Throws<OrtException>(() => session.Run(["input_ids"], [ids], ["logits"]));
        Assert.Contains("input", ex.OrtMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ArgumentException>(() => session.Run(["no_such_input"], [ids], ["logits"]));
    }

    [Fact]
    public void Tensor_ZeroLength_HasNoDataAndDisposesCleanly()
    {
        using var empty = OrtTensor.Allocate(ort.Runtime, TensorElementType.Float16, [1, 4, 0, 8]);
        Assert.Equal(0, empty.ElementCount);
        Assert.True(empty.AsSpan<Half>().IsEmpty);
        Assert.Throws<InvalidOperationException>(() => empty.AsSpan<float>());
    }
}
