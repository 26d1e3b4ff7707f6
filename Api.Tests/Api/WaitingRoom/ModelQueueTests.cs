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

    private static QueueTicket Ticket(ModelQueue queue, int kvTokens) =>
        new("project", priority: 1, queue.NextArrival(), free: false, sequences: 1, kvTokens, enteredAt: 0);
}
