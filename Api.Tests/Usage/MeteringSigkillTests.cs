using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// The app is SIGKILLed at 5 random moments while 2,000 requests flow, and started again on the same spool folder
/// each time: every response a client received completely has exactly one event in Postgres (the event was on the
/// journal before the response's last byte), and no event or request is stored twice.
/// </summary>
public sealed class MeteringSigkillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 2_000;
    private const int Kills = 5;
    private const int Workers = 6;
    private const string Model = "tiny-sigkill";

    private readonly string _adminKey = $"sk-sigkill-admin-{Guid.NewGuid():N}";
    private FaultTestEnvironment? _environment;

    private FaultTestEnvironment Setup => _environment!;

    public async Task InitializeAsync() => _environment = await FaultTestEnvironment.CreateAsync(Model);

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }

    [Fact]
    public async Task Metering_KilledFiveTimesUnderLoad_EveryReceivedResponseHasExactlyOneEvent()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        // Kill points: after this many more responses in each run of the app, plus a random few milliseconds.
        var killAfter = Enumerable.Range(0, Kills).Select(_ => random.Next(50, 300)).ToArray();
        output.WriteLine($"seed {seed}; each run killed after {string.Join(", ", killAfter)} more responses");

        var received = new ConcurrentBag<string>();
        var failed = 0;
        var next = 0;
        for (var phase = 0; phase <= Kills; phase++)
        {
            var app = await ChildApp.StartAsync(Settings());
            await using (app)
            {
                using var client = Client(app);
                using var stop = new CancellationTokenSource();
                var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested && Interlocked.Increment(ref next) <= Requests)
                    {
                        if (await CompleteAsync(client) is { } requestId)
                        {
                            received.Add(requestId);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                })).ToArray();

                if (phase < Kills)
                {
                    var clock = Stopwatch.StartNew();
                    var target = received.Count + killAfter[phase];
                    while (received.Count < target && !workers.All(w => w.IsCompleted))
                    {
                        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"Phase {phase}: {received.Count} responses after 120 s. App log:\n{app.Log}");
                        await Task.Delay(2);
                    }

                    await Task.Delay(random.Next(0, 25));
                    // No new request starts from here; those in flight are cut by the kill, or complete just before it.
                    await stop.CancelAsync();
                    await app.KillAsync();
                    output.WriteLine($"killed with {received.Count} responses received, {Volatile.Read(ref next)} requests started");
                }

                var all = Task.WhenAll(workers);
                Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(180))));
                if (phase == Kills)
                {
                    await AssertExactlyOnceAsync([.. received], app);
                }
            }
        }

        output.WriteLine($"{received.Count} responses received, {failed} requests cut by the kills");
        Assert.True(received.Count >= Requests - (Kills * (Workers + 1)), $"Only {received.Count} of {Requests} requests got a response.");
    }

    private async Task AssertExactlyOnceAsync(IReadOnlyCollection<string> received, ChildApp app)
    {
        await using var data = NpgsqlDataSource.Create(Setup.Cluster.ConnectionString("platform"));
        var clock = Stopwatch.StartNew();
        Dictionary<string, long> stored;
        while (true)
        {
            stored = await EventsPerRequestAsync(data);
            var missing = received.Count(id => !stored.ContainsKey(id));
            if (missing == 0)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{missing} of {received.Count} received responses have no event after 90 s. App log:\n{app.Log}");
            await Task.Delay(100);
        }

        Assert.All(received, id => Assert.Equal(1, stored[id]));
        Assert.DoesNotContain(stored, s => s.Value != 1);
        await using var distinct = data.CreateCommand("SELECT count(*) = count(DISTINCT event_id) FROM usage_events");
        Assert.True((bool)(await distinct.ExecuteScalarAsync())!);
        output.WriteLine($"{stored.Count} events stored for {received.Count} received responses");
    }

    private static async Task<Dictionary<string, long>> EventsPerRequestAsync(NpgsqlDataSource data)
    {
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = data.CreateCommand("SELECT request_id, count(*) FROM usage_events GROUP BY request_id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored[reader.GetString(0)] = reader.GetInt64(1);
        }

        return stored;
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["ConnectionStrings:Platform"] = Setup.Cluster.ConnectionString("platform"),
        ["Inference:ModelsDirectory"] = Setup.ModelsDirectory,
        ["Inference:WriteDefaultModel"] = "false",
        ["Inference:ExecutionProvider"] = "cpu",
        ["Inference:IntraOpThreads"] = "1",
        ["PLATFORM_ADMIN_KEY"] = _adminKey,
        ["Metering:SpoolDirectory"] = Setup.SpoolDirectory,
        // Events wait in memory this long before a batch goes to Postgres: without the journal a kill loses them.
        ["Metering:FlushIntervalMs"] = "300",
        ["Metering:ReplayIntervalMs"] = "100",
    };

    private HttpClient Client(ChildApp app)
    {
        var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return client;
    }

    /// <summary>A one-token completion; the request id of a response received completely (any status), or null when the kill cut it.</summary>
    private static async Task<string?> CompleteAsync(HttpClient client)
    {
        using var content = new StringContent($$"""{"model":"{{Model}}","prompt":"hi","max_tokens":1}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await client.PostAsync(new Uri("v1/completions", UriKind.Relative), content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.False(string.IsNullOrEmpty(body));
            return response.Headers.GetValues("x-request-id").Single();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return null;
        }
    }
}
