using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;

namespace Platform.Api.Tests.Api.WaitingRoom;

/// <summary>A host of its own: the test teaches its waiting room a long service time, which would upset other tests.</summary>
public sealed class EstimatedWaitTests : IAsyncLifetime
{
    private SmallAppHost? _host;

    public async Task InitializeAsync() => _host = await SmallAppHost.StartAsync(new Dictionary<string, string>
    {
        ["Inference:MaxBatchSize"] = "2",
        ["WaitingRoom:MaxWait"] = "00:00:10",
    });

    public async Task DisposeAsync() => await (_host?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Fact]
    public async Task EstimatedWait_OverMaxWait_503AtOnceWithRetryAfterFromTheEstimate()
    {
        var host = _host!;
        using var client = host.Client(await host.NewKeyAsync(30));
        // Requests have been holding their capacity for 30 s each: with both slots taken, the next one would wait ~15 s.
        host.Services.GetRequiredService<WaitingRooms>().QueueFor(host.LoadedModel).RecordHold(TimeSpan.FromSeconds(30));
        using var hold = host.LoadedModel.Pool.TryReserve(2, 1);
        var clock = Stopwatch.StartNew();

        using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(
            """{"model":"tiny-synthetic","prompt":"Hello","max_tokens":4}""", Encoding.UTF8, "application/json"));

        Assert.Equal(503, (int)response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "refused at once, not after waiting");
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 3, 8);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("server_is_overloaded", body.RootElement.GetProperty("error").Str("code"));
        Assert.Equal(1, (await host.ScrapeAsync()).Sum("platform_waiting_room_rejections_total", ("reason", "estimated_wait")));
        Assert.Equal(0, host.Services.GetRequiredService<WaitingRooms>().Queues.Sum(q => q.Depth));
    }
}
