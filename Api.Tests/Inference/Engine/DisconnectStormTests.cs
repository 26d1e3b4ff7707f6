using Platform.Api.Tests.Support;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>Streams that go away mid-generation (or while still waiting for capacity) leave nothing behind.</summary>
[Collection(OrtTests.Name)]
public sealed class DisconnectStormTests(OrtFixture ort)
{
    [Theory]
    [InlineData("tiny-random-gpt2")]
    [InlineData("tiny-random-llama")]
    public async Task HundredStreamsCancelledMidGeneration_LeaveNoSequenceSlotOrKvReservation(string name)
    {
        using var model = TestModels.LoadShared(ort, name, capacity: 32, maxTokensPerStep: 16);
        var random = new Random(7);
        var streams = Enumerable.Range(0, 100).Select(i =>
        {
            var prompt = Enumerable.Range(0, 1 + random.Next(30)).Select(_ => 3 + random.Next(900)).ToArray();
            var cancelAfter = 1 + random.Next(6);
            var reserved = i % 2 == 0;
            return Task.Run(() => Stream(model, prompt, cancelAfter, reserved));
        }).ToArray();

        var received = await Task.WhenAll(streams);

        Assert.All(received, count => Assert.InRange(count, 1, 6));
        await Poll.UntilAsync(() => model.Pool.Load is { RunningSequences: 0, WaitingSequences: 0, ReservedSequences: 0, ReservedKvTokens: 0, UsedKvTokens: 0 }, TimeSpan.FromSeconds(60), "model.Pool.Load is { RunningSequences: 0, WaitingSequences: 0, ReservedSequences: 0, ReservedKvTokens: 0, UsedKvTokens: 0 }");
        Assert.All(model.Pool.Workers, w => Assert.Equal(0, w.Active));
    }

    /// <summary>Reads until it has <paramref name="cancelAfter"/> tokens, then disconnects; half hold a reservation of their own.</summary>
    private static async Task<int> Stream(global::Platform.Inference.Models.LoadedModel model, int[] prompt, int cancelAfter, bool reserved)
    {
        var request = new GenerationRequest(prompt, new GenerationOptions { MaxTokens = 200, Temperature = 0.7f, IgnoreEos = true });
        using var cancel = new CancellationTokenSource();
        EngineReservation? reservation = null;
        if (reserved)
        {
            await Poll.UntilAsync(() => (reservation = model.Pool.TryReserve(1, model.Pool.KvTokensFor(request))) is not null, TimeSpan.FromSeconds(60), "room in the pool");
        }

        using (reservation)
        {
            var count = 0;
            try
            {
                await foreach (var _ in model.Pool.GenerateAsync(request, reservation, cancel.Token))
                {
                    if (++count == cancelAfter)
                    {
                        await cancel.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            return count;
        }
    }
}
