using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;

namespace Platform.Api.Tests.Api.WaitingRoom;

/// <summary>An app with a small engine capacity (4 sequences) and a waiting room of 150.</summary>
public sealed class OverloadHost : IAsyncLifetime
{
    internal SmallAppHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await SmallAppHost.StartAsync(new Dictionary<string, string>
    {
        ["Inference:MaxBatchSize"] = "4",
        ["Inference:MaxKvTokens"] = "512",
        ["WaitingRoom:MaxQueueSize"] = "150",
        ["WaitingRoom:MaxQueuedPerProject"] = "1000",
        ["WaitingRoom:MaxWait"] = "00:01:00",
        ["WaitingRoom:PaidReservedShare"] = "0.5",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class OverloadTests(OverloadHost fixture) : IClassFixture<OverloadHost>
{
    private const string Body = """{"model":"tiny-synthetic","prompt":"Hello there","max_tokens":12,"temperature":0,"stream":true}""";

    private SmallAppHost Host => fixture.Host;

    [Fact]
    public async Task Overload_200ConcurrentAcrossTiers_HigherTiersFirstOnly200Or503AndEverythingReturnsToZero()
    {
        var keys = new Dictionary<char, string> { ['A'] = await Host.NewKeyAsync(50), ['B'] = await Host.NewKeyAsync(20), ['F'] = await Host.NewKeyAsync(0) };
        var clients = keys.ToDictionary(k => k.Key, k => Host.Client(k.Value, TimeSpan.FromSeconds(90)));
        var pool = Host.LoadedModel.Pool;
        var rooms = Host.Services.GetRequiredService<WaitingRooms>();

        // A warm-up gives the waiting room a service time to estimate waits with.
        using (var warm = await clients['A'].PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(Body)))
        {
            Assert.Equal(200, (int)warm.StatusCode);
            await warm.Content.ReadAsStringAsync();
        }

        // Hold the whole engine so every request below has to queue; releasing it starts the admissions.
        var hold = pool.TryReserve(4, 1);
        Assert.NotNull(hold);
        var clock = Stopwatch.StartNew();
        var tiers = Enumerable.Repeat('A', 60).Concat(Enumerable.Repeat('B', 60)).Concat(Enumerable.Repeat('F', 80)).ToArray();
        new Random(7).Shuffle(tiers);
        var requests = tiers.Select(tier => Task.Run(() => SendAsync(clients[tier], tier, clock))).ToArray();
        await Poll.UntilAsync(() => rooms.Queues.Sum(q => q.Depth) == 150 && requests.Count(r => r.IsCompleted) == 50, "150 queued and 50 turned away");

        // One more tier-B stream, opted in to queue updates: behind every A and B, it pushes one more free request out.
        var queued = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var updates = Task.Run(() => QueueUpdatesStreamAsync(clients['B'], queued));
        var firstPosition = await queued.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(121, firstPosition);
        await Poll.UntilAsync(() => rooms.Queues.Sum(q => q.Depth) == 150 && requests.Count(r => r.IsCompleted) == 51, "150 queued and 51 turned away");

        // Under overload, health, metrics and admin answer at once: they never queue behind completions.
        using (var open = Host.Client(null, TimeSpan.FromSeconds(5)))
        {
            Assert.Equal(200, (int)(await open.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
            Assert.Equal(200, (int)(await open.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        }

        Assert.Equal(150, (await Host.ScrapeAsync()).Sum("platform_waiting_room_queue_depth", ("model", SmallAppHost.Model)));
        await Host.AdminAsync("GET", "/admin/tiers");

        hold!.Dispose();
        var results = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(120));
        var positions = await updates.WaitAsync(TimeSpan.FromSeconds(120));

        // Every answer is a 200 or a 503; the 503s are the free tier's, pushed out of the full queue by higher tiers.
        Assert.All(results, r => Assert.True(r.Status is 200 or 503, $"status {r.Status}: {r.Error}"));
        var refused = results.Where(r => r.Status == 503).ToList();
        Assert.Equal(51, refused.Count);
        Assert.All(refused, r => Assert.Equal('F', r.Tier));
        Assert.All(refused, r => Assert.Equal("server_is_overloaded", r.Error));
        Assert.All(refused, r => Assert.True(r.RetryAfterMs >= 1_000 && r.RetryAfterSeconds >= 1, "Retry-After and retry-after-ms"));

        // Admitted in tier order: every tier-A stream starts before any free one, and the mean places follow the tiers.
        var admitted = results.Where(r => r.Status == 200).OrderBy(r => r.HeadersAt).ToList();
        Assert.All(admitted, r => Assert.True(r.Done, "a stream ended without [DONE]"));
        Assert.All(admitted, r => Assert.NotNull(r.QueueWaitMs));
        double MeanPlace(char tier) => admitted.Select((r, i) => (r, i)).Where(x => x.r.Tier == tier).Average(x => x.i);
        Assert.True(MeanPlace('A') < MeanPlace('B') && MeanPlace('B') < MeanPlace('F'), $"mean places A {MeanPlace('A')}, B {MeanPlace('B')}, F {MeanPlace('F')}");
        Assert.True(admitted.Where(r => r.Tier == 'A').Max(r => r.HeadersAt) < admitted.Where(r => r.Tier == 'F').Min(r => r.HeadersAt));

        // The opted-in stream heard strictly falling positions while it waited.
        Assert.True(positions.Count >= 10, $"positions: {string.Join(",", positions)}");
        Assert.Equal(firstPosition, positions[0]);
        Assert.True(positions.Zip(positions.Skip(1)).All(p => p.Second < p.First), $"positions: {string.Join(",", positions)}");

        // Afterwards nothing is left: no running or waiting sequence, no reservation, an empty queue.
        await Poll.UntilAsync(
            () => pool.Load is { RunningSequences: 0, WaitingSequences: 0, ReservedSequences: 0, ReservedKvTokens: 0, UsedKvTokens: 0 } && rooms.Queues.Sum(q => q.Depth) == 0,
            $"the engine and the queue empty ({pool.Load})");
        var metrics = await Host.ScrapeAsync();
        Assert.Equal(0, metrics.Sum("platform_waiting_room_queue_depth"));
        Assert.Equal(51, metrics.Sum("platform_waiting_room_rejections_total", ("reason", "queue_full")));
        Assert.True(metrics.Sum("platform_waiting_room_wait_seconds_count", ("outcome", "admitted")) >= 150);
        foreach (var engine in new[] { "platform_engine_running_sequences", "platform_engine_waiting_sequences", "platform_engine_kv_reserved_tokens", "platform_engine_kv_utilization_ratio" })
        {
            Assert.Equal(0, metrics.Sum(engine));
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Choices_MoreThanADeviceCanEverHold_400NamingN()
    {
        using var client = Host.Client(await Host.NewKeyAsync(10));

        using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Json(
            """{"model":"tiny-synthetic","prompt":"Hello","max_tokens":4,"n":5}"""));

        Assert.Equal(400, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        ApiCalls.AssertError(body.RootElement, "invalid_value", "n");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<Outcome> SendAsync(HttpClient client, char tier, Stopwatch clock)
    {
        using var response = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative)) { Content = Json(Body) },
            HttpCompletionOption.ResponseHeadersRead);
        var headersAt = clock.Elapsed;
        var status = (int)response.StatusCode;
        var waitMs = response.Headers.TryGetValues("x-queue-wait-ms", out var w) ? w.Single() : null;
        if (status != 200)
        {
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var retryMs = response.Headers.TryGetValues("retry-after-ms", out var r) ? long.Parse(r.Single(), System.Globalization.CultureInfo.InvariantCulture) : 0;
            var e = error.RootElement.GetProperty("error");
            Assert.Equal("server_error", e.Str("type"));
            Assert.Contains("capacity", e.Str("message"), StringComparison.Ordinal);
            return new Outcome(tier, status, headersAt, false, e.Str("code"), retryMs, response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, waitMs);
        }

        var events = await SseReader.ReadDataAsync(response);
        return new Outcome(tier, status, headersAt, events.LastOrDefault() == "[DONE]" && !events.Any(e => e.Contains("\"error\"", StringComparison.Ordinal)), null, 0, 0, waitMs);
    }

    /// <summary>A stream that opts in to queue updates: gives its x-queue-position header at once, then returns the positions its comment lines gave.</summary>
    private static async Task<List<int>> QueueUpdatesStreamAsync(HttpClient client, TaskCompletionSource<int> queued)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative)) { Content = Json(Body) };
        request.Headers.Add("x-queue-updates", "true");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(response.Headers.Contains("x-queue-wait-ms"));
        queued.SetResult(int.Parse(response.Headers.GetValues("x-queue-position").Single(), System.Globalization.CultureInfo.InvariantCulture));
        var positions = new List<int>();
        var done = false;
        var data = false;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(": queue position ", StringComparison.Ordinal))
            {
                Assert.False(data, "a queue position after the first data event");
                var text = line[": queue position ".Length..];
                positions.Add(int.Parse(text[..text.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Matches(@"^: queue position \d+, estimated wait \d+ s$", line);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.DoesNotContain("\"error\"", line, StringComparison.Ordinal);
                data = true;
                done = line == "data: [DONE]";
            }
        }

        Assert.True(done, "the opted-in stream ended without [DONE]");
        return positions;
    }

    private sealed record Outcome(char Tier, int Status, TimeSpan HeadersAt, bool Done, string? Error, long RetryAfterMs, double RetryAfterSeconds, string? QueueWaitMs);
}
