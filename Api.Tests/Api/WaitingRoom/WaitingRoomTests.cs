using System.ClientModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;

namespace Platform.Api.Tests.Api.WaitingRoom;

/// <summary>An app with 2 engine slots, a one-second longest wait and half the capacity kept for paid tiers.</summary>
public sealed class ShortWaitHost : IAsyncLifetime
{
    internal SmallAppHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await SmallAppHost.StartAsync(new Dictionary<string, string>
    {
        ["Inference:MaxBatchSize"] = "2",
        ["Inference:MaxKvTokens"] = "1024",
        ["WaitingRoom:MaxWait"] = "00:00:01",
        ["WaitingRoom:MaxQueuedPerProject"] = "2",
        ["WaitingRoom:PaidReservedShare"] = "0.5",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The waiting room's refusals, one at a time: each test holds engine capacity itself and releases it.</summary>
[Collection(nameof(WaitingRoomTests))]
public sealed class WaitingRoomTests(ShortWaitHost fixture) : IClassFixture<ShortWaitHost>
{
    private const string Body = """{"model":"tiny-synthetic","prompt":"Hello","max_tokens":4,"temperature":0}""";

    private SmallAppHost Host => fixture.Host;

    [Fact]
    public async Task Queued_LongerThanMaxWait_503ServerIsOverloadedWithRetryAfter()
    {
        using var client = Host.Client(await Host.NewKeyAsync(30));
        using var hold = Host.LoadedModel.Pool.TryReserve(2, 1);
        Assert.NotNull(hold);
        var clock = Stopwatch.StartNew();

        using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body));

        Assert.Equal(503, (int)response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.True(long.Parse(response.Headers.GetValues("retry-after-ms").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1_000);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal("server_error", error.Str("type"));
        Assert.Equal("server_is_overloaded", error.Str("code"));
        Assert.True((await Host.ScrapeAsync()).Sum("platform_waiting_room_rejections_total", ("reason", "timeout")) >= 1);
    }

    [Fact]
    public async Task QueueUpdates_TurnedAwayAfterTheHeaders_GetsPositionThenAnErrorEvent()
    {
        using var client = Host.Client(await Host.NewKeyAsync(30));
        using var hold = Host.LoadedModel.Pool.TryReserve(2, 1);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = Json("""{"model":"tiny-synthetic","messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"stream":true}"""),
        };
        request.Headers.Add("x-queue-updates", "true");

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-queue-position").Single());
        Assert.StartsWith(": queue position 1, estimated wait ", text, StringComparison.Ordinal);
        var data = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(data);
        using var json = JsonDocument.Parse(error["data: ".Length..]);
        Assert.Equal("server_is_overloaded", json.RootElement.GetProperty("error").Str("code"));
    }

    [Fact]
    public async Task FreeTier_BeyondItsShare_WaitsWhilePaidIsAdmitted()
    {
        using var free = Host.Client(await Host.NewKeyAsync(0));
        using var paid = Host.Client(await Host.NewKeyAsync(10));
        using var hold = Host.LoadedModel.Pool.TryReserve(1, 1);

        // One of two slots is taken, and half is kept for paid tiers: a free request waits (here until MaxWait), a paid one runs.
        var freeResponse = free.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body));
        using var paidResponse = await paid.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body));

        Assert.Equal(200, (int)paidResponse.StatusCode);
        Assert.False(paidResponse.Headers.Contains("x-queue-wait-ms"));
        using var refused = await freeResponse;
        Assert.Equal(503, (int)refused.StatusCode);
        Assert.Contains("server_is_overloaded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Project_OverItsQueuedCap_503AtOnce()
    {
        var key = await Host.NewKeyAsync(30);
        using var client = Host.Client(key);
        using var hold = Host.LoadedModel.Pool.TryReserve(2, 1);
        var waiting = Enumerable.Range(0, 2).Select(_ => client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body))).ToList();
        var rooms = Host.Services.GetRequiredService<WaitingRooms>();
        await Poll.UntilAsync(() => rooms.Queues.Sum(q => q.Depth) >= 2, TimeSpan.FromSeconds(30), "two requests in the queue");

        var clock = Stopwatch.StartNew();
        using var third = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body));

        Assert.Equal(503, (int)third.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.9), "refused at once, not after waiting");
        hold!.Dispose();
        foreach (var response in await Task.WhenAll(waiting))
        {
            Assert.Equal(200, (int)response.StatusCode);
            response.Dispose();
        }
    }

    [Fact]
    public async Task Queued_ClientLeaves_LeavesTheQueueAndHoldsNothing()
    {
        using var client = Host.Client(await Host.NewKeyAsync(30));
        var pool = Host.LoadedModel.Pool;
        var rooms = Host.Services.GetRequiredService<WaitingRooms>();
        var hold = pool.TryReserve(2, 1);
        using var leave = new CancellationTokenSource();
        var waiting = client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body), leave.Token);
        await Poll.UntilAsync(() => rooms.Queues.Sum(q => q.Depth) >= 1, TimeSpan.FromSeconds(30), "the request in the queue");

        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var clock = Stopwatch.StartNew();
        while (rooms.Queues.Sum(q => q.Depth) > 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10);
        }

        hold!.Dispose();
        Assert.Equal(0, rooms.Queues.Sum(q => q.Depth));
        Assert.Equal(0, pool.Load.ReservedSequences);
    }

    [Fact]
    public async Task OpenAiSdk_503WithRetryAfter_IsRetriedAndSucceedsOnceCapacityFrees()
    {
        var key = await Host.NewKeyAsync(30);
        var chat = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(Host.BaseAddress, "v1") })
            .GetChatClient(SmallAppHost.Model);
        var hold = Host.LoadedModel.Pool.TryReserve(2, 1);
        var before = (await Host.ScrapeAsync()).Sum("platform_waiting_room_rejections_total", ("reason", "timeout"));

        // The SDK's default retry policy: the first attempt waits MaxWait (1 s) and gets 503; capacity frees after that.
        var call = chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 4, Temperature = 0f });
        var clock = Stopwatch.StartNew();
        while ((await Host.ScrapeAsync()).Sum("platform_waiting_room_rejections_total", ("reason", "timeout")) == before)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no 503 came");
            await Task.Delay(20);
        }

        hold!.Dispose();
        ChatCompletion completion = await call;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
