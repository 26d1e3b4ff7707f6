using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Moderations;
using Platform.Api.Tests.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Moderation;

namespace Platform.Api.Tests.Moderation;

public sealed class ModerationEventWriterShutdownTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task StopAsync_EventsStillQueued_AreWrittenBeforeTheWriterEnds()
    {
        var project = await Billing.NewProjectAsync();
        var key = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", [ApiKeyScopes.Inference]), AuditActor.System);
        using var writer = new ModerationEventWriter(
            Billing.ModerationEvents, TimeProvider.System, Options.Create(new ModerationOptions()), NullLogger<ModerationEventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        writer.TryEnqueue(Event(project.Id, key.Key.Id, 0));
        await writer.FlushAsync(CancellationToken.None);

        // The host stops (a deploy) just after more events were queued, before the loop has written them.
        for (var i = 1; i <= 20; i++)
        {
            writer.TryEnqueue(Event(project.Id, key.Key.Id, i));
        }

        await writer.StopAsync(CancellationToken.None);

        await using var db = Billing.NewContext();
        Assert.Equal(21, await db.ModerationEvents.CountAsync());
    }

    [Fact]
    public async Task StopAsync_RightAfterStart_StillWritesWhatWasQueued()
    {
        var project = await Billing.NewProjectAsync();
        var key = await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", [ApiKeyScopes.Inference]), AuditActor.System);
        using var writer = new ModerationEventWriter(
            Billing.ModerationEvents, TimeProvider.System, Options.Create(new ModerationOptions()), NullLogger<ModerationEventWriter>.Instance);
        for (var i = 0; i < 5; i++)
        {
            writer.TryEnqueue(Event(project.Id, key.Key.Id, i));
        }

        // The stop may come before the loop ever ran.
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        await using var db = Billing.NewContext();
        Assert.Equal(5, await db.ModerationEvents.CountAsync());
    }

    private static NewModerationEvent Event(long project, long key, int i) =>
        new($"req_{i}", project, key, "m", "input", "flagged", ["hate"], new Dictionary<string, double> { ["hate"] = 0.9 }, [], "x", DateTimeOffset.UtcNow);
}
