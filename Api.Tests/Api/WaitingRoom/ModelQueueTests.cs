using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;

namespace Platform.Api.Tests.Api.WaitingRoom;

[Collection(OrtTests.Name)]
public sealed class ModelQueueTests(OrtFixture ort)
{
    [Fact]
    public async Task Leave_HeadThatDidNotFit_AdmitsTheTicketBehindItThatDoes()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 4, maxKvTokens: 1000);
        using var queue = new ModelQueue(model.Name, model.Pool, new WaitingRoomOptions());
        using var held = model.Pool.TryReserve(1, 600);
        var large = Ticket(queue, kvTokens: 500);
        var small = Ticket(queue, kvTokens: 100);

        Assert.Equal(EntryOutcome.Queued, queue.Enter(large, out _, out _));
        Assert.Equal(EntryOutcome.Queued, queue.Enter(small, out _, out _));
        Assert.False(small.Admitted.IsCompleted);

        // The head gives up: nothing is released, but the one behind it fits in what is free.
        Assert.True(queue.Leave(large));

        Assert.True(small.Admitted.IsCompletedSuccessfully, "the ticket behind the departed head is admitted at once");
        (await small.Admitted).Dispose();
    }

    [Fact]
    public void Enter_FullQueue_NewcomerRefusedForItsProjectCap_EvictsNobody()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 4, maxKvTokens: 1000);
        using var queue = new ModelQueue(model.Name, model.Pool, new WaitingRoomOptions { MaxQueueSize = 2, MaxQueuedPerProject = 1 });
        using var held = model.Pool.TryReserve(4, 250);
        var first = Ticket(queue, kvTokens: 100, project: "a", priority: 1);
        var last = Ticket(queue, kvTokens: 100, project: "b", priority: 0);
        var newcomer = Ticket(queue, kvTokens: 100, project: "a", priority: 5);
        Assert.Equal(EntryOutcome.Queued, queue.Enter(first, out _, out _));
        Assert.Equal(EntryOutcome.Queued, queue.Enter(last, out _, out _));

        // The newcomer outranks the last in line but may not wait (its project already has one waiting): it takes no place.
        Assert.Equal(EntryOutcome.ProjectQueueFull, queue.Enter(newcomer, out _, out _));

        Assert.False(last.Admitted.IsCompleted, "the last in line keeps its place");
        Assert.Equal(2, queue.Depth);
        Assert.Equal(2, queue.PositionOf(last));
    }

    private static QueueTicket Ticket(ModelQueue queue, int kvTokens, string project = "project", int priority = 1) =>
        new(project, priority, queue.NextArrival(), free: false, sequences: 1, kvTokens, enteredAt: 0);
}
