using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// The engine thread's managed allocations on steps that only decode, with its metrics listened to as an exporter
/// would: the scheduler, the batch, sampling and handing the token over allocate nothing on most steps. Only a
/// step where the batch's capacity or a sequence's KV hold grows (once per 16 tokens or more) may allocate.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class EngineStepAllocationTests(OrtFixture ort, ITestOutputHelper output)
{
    private const int Tokens = 160;

    [Theory]
    [InlineData("tiny-random-gpt2", "on-demand")]
    [InlineData("tiny-random-gpt2", "reserve")]
    [InlineData("tiny-random-llama", "on-demand")]
    public async Task DecodeOnlySteps_MostlyAllocateNothing(string modelName, string admission)
    {
        await using var services = new ServiceCollection().AddMetrics().AddSingleton<ModelRegistry>().AddSingleton<EngineMetrics>().BuildServiceProvider();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EngineMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<int>(static (_, _, _, _) => { });
        listener.Start();
        var options = new InferenceOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1, MaxBatchSize = 4, KvAdmission = admission };
        using var model = new ModelLoader(NullLoggerFactory.Instance, services.GetRequiredService<EngineMetrics>()).Load(SharedData.Model(modelName), ort.Runtime, options, useCuda: false, () => 1);
        var worker = model.Pool.Workers[0];

        // Two streams side by side, then one alone.
        await Task.WhenAll(Generate(model, [1, 2, 3, 4, 5]), Generate(model, [6, 7])).WaitAsync(TimeSpan.FromSeconds(60));
        await Generate(model, [8, 9, 10]).WaitAsync(TimeSpan.FromSeconds(60));

        var (steps, withoutAllocation, bytes) = worker.DecodeOnlySteps;
        output.WriteLine($"{modelName}, {admission}: {withoutAllocation} of {steps} decode-only steps allocated nothing; {bytes} bytes in all ({(double)bytes / steps:F0} per step)");
        Assert.True(steps >= Tokens, $"{steps} decode-only steps");
        Assert.True(withoutAllocation >= steps * 3 / 4, $"{withoutAllocation} of {steps} decode-only steps allocated nothing");

        // The steps that grow something allocate ~3 KB each (new tensors and their binding), ~450 bytes a step on
        // average here; before the batch kept its tensors bound, every step allocated 2.4-3.6 KB on its own.
        Assert.InRange(bytes / steps, 0, 1024);
    }

    private static async Task Generate(LoadedModel model, int[] prompt)
    {
        var request = new GenerationRequest(prompt, new GenerationOptions { MaxTokens = Tokens, Temperature = 0f, IgnoreEos = true });
        var count = 0;
        await foreach (var _ in model.Pool.GenerateAsync(request))
        {
            count++;
        }

        Assert.Equal(Tokens, count);
    }
}
