using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Moderations;
using Platform.Billing;
using Platform.Billing.Moderation;

namespace Platform.Api.Tests.Moderation;

public sealed class ModerationEventWriterTests
{
    [Fact]
    public async Task TryEnqueue_DatabaseUnreachableAndQueueFull_NeverWaitsNorThrows()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Platform"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=x;Password=x;Timeout=1",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddBilling(configuration).BuildServiceProvider();
        using var writer = new ModerationEventWriter(
            services.GetRequiredService<ModerationEventRepository>(),
            TimeProvider.System,
            Options.Create(new ModerationOptions { EventQueueCapacity = 8 }),
            NullLogger<ModerationEventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1_000; i++)
        {
            writer.TryEnqueue(new NewModerationEvent("req_1", 1, 1, "m", "input", "flagged", ["hate"], new Dictionary<string, double>(), [], "x", DateTimeOffset.UtcNow));
        }

        clock.Stop();
        await writer.StopAsync(CancellationToken.None);

        // Enqueuing is a channel write: a thousand take microseconds, whatever the database does (a generous bound for a busy machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{clock.Elapsed}");
    }
}
