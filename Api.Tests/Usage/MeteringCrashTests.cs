using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// The app is killed (SIGKILL, no graceful shutdown) after its events reached the spool while Postgres was down;
/// a new process on the same spool replays them once Postgres is back: every request counted, none twice.
/// </summary>
public sealed class MeteringCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 300;
    private const string Model = "tiny-crash";

    private readonly string _adminKey = $"sk-crash-admin-{Guid.NewGuid():N}";
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
    public async Task Metering_AppKilledWithEventsInTheSpool_ReplayedOnceByTheNextProcess()
    {
        var cluster = Setup.Cluster;
        await using var data = NpgsqlDataSource.Create(cluster.ConnectionString("platform"));
        long tokens = 0;
        var successes = 0;
        await using (var first = await ChildApp.StartAsync(Settings(cluster)))
        {
            using var client = Client(first);
            (successes, tokens) = Add((successes, tokens), await CompleteAsync(client));
            await UsageEventsTable.WaitForCountAsync(data, 1, TimeSpan.FromSeconds(30));

            await cluster.StopAsync();
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var mine = (0, 0L);
                for (var i = w; i < Requests; i += 4)
                {
                    mine = Add(mine, await CompleteAsync(client));
                }

                return mine;
            })));
            successes += results.Sum(r => r.Item1);
            tokens += results.Sum(r => r.Item2);

            // Every event has reached the spool (fsynced) before the kill.
            await WaitAsync(async () => await SpooledAsync(client) == Requests, $"{Requests} events in the spool", first);
            await first.KillAsync();
            output.WriteLine($"killed with {Requests} events in the spool; {successes} of {Requests + 1} requests succeeded");
        }

        await cluster.StartAsync();
        data.Clear();
        Assert.Equal(1L, await UsageEventsTable.CountAsync(data));
        await using (var second = await ChildApp.StartAsync(Settings(cluster)))
        {
            await UsageEventsTable.WaitForCountAsync(data, Requests + 1, TimeSpan.FromSeconds(60));
            using var client = Client(second);
            await WaitAsync(async () => await SpooledAsync(client) == 0, "the spool to empty", second);
            Assert.Contains("events found in the spool", second.Log, StringComparison.Ordinal);
        }

        Assert.Equal(Requests + 1L, await UsageEventsTable.CountAsync(data));
        Assert.Equal(Requests + 1L, await UsageEventsTable.CountAsync(data, "event_id IN (SELECT DISTINCT event_id FROM usage_events)"));
        var ok = await UsageEventsTable.SumsAsync(data, "status_code = 200");
        Assert.Equal(successes, ok.Requests);
        Assert.Equal(tokens, ok.Completion);
        await using var distinct = data.CreateCommand("SELECT count(DISTINCT event_id) FROM usage_events");
        Assert.Equal(Requests + 1L, (long)(await distinct.ExecuteScalarAsync())!);
    }

    private Dictionary<string, string> Settings(OwnPostgresCluster cluster) => new()
    {
        ["ConnectionStrings:Platform"] = cluster.ConnectionString("platform"),
        ["Inference:ModelsDirectory"] = Setup.ModelsDirectory,
        ["Inference:WriteDefaultModel"] = "false",
        ["Inference:ExecutionProvider"] = "cpu",
        ["Inference:IntraOpThreads"] = "1",
        ["PLATFORM_ADMIN_KEY"] = _adminKey,
        ["Metering:SpoolDirectory"] = Setup.SpoolDirectory,
        ["Metering:ReplayIntervalMs"] = "100",
        ["Metering:WriteTimeoutMs"] = "2000",
    };

    private HttpClient Client(ChildApp app)
    {
        var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return client;
    }

    private static (int Successes, long Tokens) Add((int Successes, long Tokens) sum, int? tokens) =>
        tokens is { } t ? (sum.Successes + 1, sum.Tokens + t) : sum;

    /// <summary>A one-token completion; the tokens its response reported, or null when it failed.</summary>
    private static async Task<int?> CompleteAsync(HttpClient client)
    {
        using var content = new StringContent($$"""{"model":"{{Model}}","prompt":"hi","max_tokens":1}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("v1/completions", UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
    }

    private static async Task<long> SpooledAsync(HttpClient client)
    {
        using var ready = JsonDocument.Parse(await client.GetStringAsync(new Uri("readyz", UriKind.Relative)));
        var metering = ready.RootElement.GetProperty("metering");
        return metering.GetProperty("queued").GetInt32() == 0 ? metering.GetProperty("spool_events").GetInt64() : -1;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, ChildApp app)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Waited 60 s for {what}. App log:\n{app.Log}");
            await Task.Delay(50);
        }
    }
}
