using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Billing.Metering;
using Platform.Inference.Models;
using Xunit.Abstractions;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// Postgres really goes away (its own cluster, stopped with pg_ctl -m immediate) while 10,000 completions flow
/// through the whole app; once it is back and the spool has drained, usage_events holds exactly one event per
/// request, and the tokens of the successful ones equal what their responses reported.
/// </summary>
public sealed class MeteringOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 10_000;
    private const string Model = "tiny-outage";

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
    public async Task Metering_PostgresStoppedWhileTenThousandRequestsFlow_EveryRequestCountedOnce()
    {
        var cluster = Setup.Cluster;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .ConfigureLogging(l => l.AddProvider(new TestOutputLoggerProvider(output)))
            .UseSetting("Inference:ModelsDirectory", Setup.ModelsDirectory)
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1")
            .UseSetting("ConnectionStrings:Platform", cluster.ConnectionString("platform"))
            .UseSetting("PLATFORM_ADMIN_KEY", $"sk-outage-admin-{Guid.NewGuid():N}")
            .UseSetting("Metering:SpoolDirectory", Setup.SpoolDirectory)
            .UseSetting("Metering:ReplayIntervalMs", "100")
            .UseSetting("Metering:WriteTimeoutMs", "2000"));
        using var client = factory.CreateClient();
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        await Poll.UntilAsync(() => registry.LoadingFinished, TimeSpan.FromSeconds(120), "models to load");
        var tier = await UsageAccounts.UnlimitedTierAsync(factory.Services);
        var organization = await UsageAccounts.OrganizationAsync(factory.Services);
        var key = (await UsageAccounts.KeysAsync(factory.Services, organization, tier, 1, 1)).Single();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        var status = factory.Services.GetRequiredService<Func<MeteringStatus>>();

        var sent = 0;
        var statuses = new ConcurrentDictionary<int, int>();
        long tokens = 0;
        long maxSpooled = 0;
        var clock = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                maxSpooled = Math.Max(maxSpooled, status().SpoolEvents);
                await Task.Delay(20);
            }
        });
        var outage = Task.Run(async () =>
        {
            await Poll.UntilAsync(() => Volatile.Read(ref sent) >= Requests / 4, TimeSpan.FromSeconds(120), "a quarter of the requests");
            await cluster.StopAsync();
            output.WriteLine($"Postgres stopped after {Volatile.Read(ref sent)} requests, {clock.Elapsed.TotalSeconds:F1} s");
            await Poll.UntilAsync(() => Volatile.Read(ref sent) >= Requests * 2 / 3, TimeSpan.FromSeconds(120), "two thirds of the requests");
            await cluster.StartAsync();
            output.WriteLine($"Postgres started again after {Volatile.Read(ref sent)} requests, {clock.Elapsed.TotalSeconds:F1} s");
        });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref sent) <= Requests)
            {
                using var content = new StringContent($$"""{"model":"{{Model}}","prompt":"hi","max_tokens":1}""", Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), content);
                var body = await response.Content.ReadAsStringAsync();
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.IsSuccessStatusCode)
                {
                    using var json = JsonDocument.Parse(body);
                    Interlocked.Add(ref tokens, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
                }
            }
        })));
        await outage;
        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:F1} s; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");

        await using var data = NpgsqlDataSource.Create(cluster.ConnectionString("platform"));
        try
        {
            await UsageEventsTable.WaitForCountAsync(data, Requests, TimeSpan.FromSeconds(60));
        }
        finally
        {
            output.WriteLine($"metering: {status()}; spool files: {string.Join(", ", Directory.EnumerateFiles(Setup.SpoolDirectory, "*", SearchOption.AllDirectories).Select(f => $"{f} {new FileInfo(f).Length}"))}");
        }
        await done.CancelAsync();
        await watcher;
        output.WriteLine($"all events in Postgres {clock.Elapsed.TotalSeconds:F1} s after the start; at most {maxSpooled} events were in the spool");

        Assert.True(maxSpooled > 0, "the outage never reached the metering writer");
        Assert.Equal((long)Requests, await UsageEventsTable.CountAsync(data));
        Assert.Equal(Requests, statuses.Values.Sum());
        var successes = await UsageEventsTable.SumsAsync(data, "status_code = 200");
        Assert.Equal(statuses.GetValueOrDefault(200), successes.Requests);
        Assert.Equal(tokens, successes.Completion);
        foreach (var (code, count) in statuses)
        {
            Assert.Equal(count, await UsageEventsTable.CountAsync(data, $"status_code = {code}"));
        }

        await Poll.UntilAsync(() => status().SpoolEvents == 0 && status().PostgresReachable, TimeSpan.FromSeconds(120), "the spool to empty");
    }
}
