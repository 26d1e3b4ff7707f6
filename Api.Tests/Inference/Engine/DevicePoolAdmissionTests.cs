using Platform.Api.Tests.Support;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

[Collection(OrtTests.Name)]
public sealed class DevicePoolAdmissionTests(OrtFixture ort)
{
    private static readonly GenerationRequest Endless = new([464, 68], new GenerationOptions { MaxTokens = 400, Temperature = 0f, IgnoreEos = true });

    [Fact]
    public void TryReserve_TwoDevices_GoesToTheMostFreeKvBudget_NullWhenFull()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", devices: 2, capacity: 2, maxKvTokens: 1000);

        using var first = model.Pool.TryReserve(1, 300);
        using var second = model.Pool.TryReserve(1, 100);
        using var third = model.Pool.TryReserve(1, 100);

        Assert.NotNull(first);
        Assert.Equal(0, first.DeviceId);
        Assert.Equal(1, Assert.IsType<EngineReservation>(second).DeviceId);
        Assert.Equal(1, Assert.IsType<EngineReservation>(third).DeviceId);
        Assert.Null(model.Pool.TryReserve(1, 701));
        Assert.Null(model.Pool.TryReserve(2, 10));
        var load = model.Pool.Load;
        Assert.Equal([1, 2], load.Devices.Select(d => d.ReservedSequences));
        Assert.Equal([300L, 200L], load.Devices.Select(d => d.ReservedKvTokens));
        Assert.Equal(0.3, load.Devices[0].KvUtilization, 6);
        Assert.Equal(2000, load.MaxKvTokens);
    }

    [Fact]
    public void Dispose_ReleasesOnce_AndRaisesCapacityReleased()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 2, maxKvTokens: 1000);
        var raised = 0;
        model.Pool.CapacityReleased += (_, _) => raised++;

        var reservation = Assert.IsType<EngineReservation>(model.Pool.TryReserve(2, 250));
        Assert.Equal(2, reservation.Sequences);
        Assert.Equal(500, reservation.KvTokens);
        Assert.Null(model.Pool.TryReserve(1, 1));
        reservation.Dispose();
        reservation.Dispose();

        Assert.Equal(1, raised);
        Assert.Equal(0, model.Pool.Load.ReservedSequences);
        Assert.Equal(0, model.Pool.Load.ReservedKvTokens);
        using var again = model.Pool.TryReserve(2, 500);
        Assert.NotNull(again);
    }

    [Fact]
    public void CanEverFit_OverBatchSizeOrKvBudget_IsFalse()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", devices: 2, capacity: 4, maxKvTokens: 1000);

        Assert.True(model.Pool.CanEverFit(4, 250));
        Assert.False(model.Pool.CanEverFit(5, 1));
        Assert.False(model.Pool.CanEverFit(2, 501));
    }

    [Fact]
    public async Task GenerateAsync_WithReservation_UsesItsSlots_KeepsThemUntilDisposed_AndEachSequenceGivesBackItsTokens()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 4, maxKvTokens: 1000);
        var request = new GenerationRequest([464, 68], new GenerationOptions { MaxTokens = 8, Temperature = 0f, IgnoreEos = true });
        using var reservation = Assert.IsType<EngineReservation>(model.Pool.TryReserve(2, 10));

        var first = await DeviceWorkerTests.Collect(model.Pool.GenerateAsync(request, reservation));
        var second = await DeviceWorkerTests.Collect(model.Pool.GenerateAsync(request, reservation));

        Assert.Equal(8, first.Count);
        Assert.Equal(first, second);
        Assert.Throws<InvalidOperationException>(() => model.Pool.GenerateAsync(request, reservation));
        await Poll.UntilAsync(() => model.Pool.Load.RunningSequences == 0, TimeSpan.FromSeconds(30), "model.Pool.Load.RunningSequences == 0");
        Assert.Equal(2, model.Pool.Load.ReservedSequences);
        Assert.Equal(0, model.Pool.Load.ReservedKvTokens);
        Assert.Equal(0, model.Pool.Load.UsedKvTokens);
    }

    [Fact]
    public void GenerateAsync_ReservationTooSmallForTheRequest_Throws()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 4, maxKvTokens: 1000);
        using var reservation = Assert.IsType<EngineReservation>(model.Pool.TryReserve(1, model.Pool.KvTokensFor(Endless) - 1));

        Assert.Throws<InvalidOperationException>(() => model.Pool.GenerateAsync(Endless, reservation));
    }

    [Fact]
    public async Task GenerateAsync_WithoutReservation_WaitsInTheEngineUntilCapacityIsFree()
    {
        // Reserve-all: the held tokens stay exactly prompt + max tokens while it runs.
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 1, kvAdmission: "reserve");
        using var busy = new CancellationTokenSource();
        await using var running = model.Pool.GenerateAsync(Endless, busy.Token).GetAsyncEnumerator(busy.Token);
        Assert.True(await running.MoveNextAsync());
        Assert.Equal(1, model.Pool.Load.ReservedSequences);
        Assert.Equal(402, model.Pool.Load.ReservedKvTokens);

        var short1 = new GenerationRequest([464, 68], new GenerationOptions { MaxTokens = 3, Temperature = 0f, IgnoreEos = true });
        var waiting = DeviceWorkerTests.Collect(model.Pool.GenerateAsync(short1));
        await Poll.UntilAsync(() => model.Pool.Load.QueuedSequences == 1, TimeSpan.FromSeconds(30), "model.Pool.Load.QueuedSequences == 1");
        Assert.False(waiting.IsCompleted);

        await busy.CancelAsync();
        var events = await waiting;

        Assert.Equal(3, events.Count);
        await Poll.UntilAsync(() => model.Pool.Load is { ReservedSequences: 0, ReservedKvTokens: 0, RunningSequences: 0, WaitingSequences: 0, UsedKvTokens: 0 }, TimeSpan.FromSeconds(30), "model.Pool.Load is { ReservedSequences: 0, ReservedKvTokens: 0, RunningSequences: 0, WaitingSequences: 0, UsedKvTokens: 0 }");
    }

    [Fact]
    public async Task GenerateAsync_CancelledWhileQueued_LeavesTheQueue()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 1);
        using var reservation = Assert.IsType<EngineReservation>(model.Pool.TryReserve(1, 10));
        using var cancel = new CancellationTokenSource();

        var waiting = DeviceWorkerTests.Collect(model.Pool.GenerateAsync(Endless, cancel.Token));
        await Poll.UntilAsync(() => model.Pool.Load.QueuedSequences == 1, TimeSpan.FromSeconds(30), "model.Pool.Load.QueuedSequences == 1");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, model.Pool.Load.QueuedSequences);
        reservation.Dispose();
        Assert.Equal(0, model.Pool.Load.ReservedSequences);
    }

    [Fact]
    public void Validate_RequestOverTheKvBudget_IsAnInvalidPrompt()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", maxKvTokens: 64);

        var ex = Assert.Throws<InvalidPromptException>(() => model.Pool.Validate(new GenerationRequest([464, 68], new GenerationOptions { MaxTokens = 63 })));
        Assert.Contains("64", ex.Message, StringComparison.Ordinal);
        model.Pool.Validate(new GenerationRequest([464, 68], new GenerationOptions { MaxTokens = 62 }));
    }

    [Fact]
    public void MaxKvTokens_Zero_IsSizedFromTheModel_AtLeastOneContext()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 4);

        var budget = model.Pool.Load.Devices[0].MaxKvTokens;
        Assert.InRange(budget, model.Config.ContextLength, 4L * model.Config.ContextLength);
    }
}
