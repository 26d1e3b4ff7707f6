using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Tiers;
using Platform.Inference.Models;

namespace Platform.Bench;

/// <summary>
/// Overload over HTTP: ten times as many concurrent streaming clients as the engine has sequence slots, for a set
/// time, against the 100M synthetic model hosted in-process on Kestrel. Clients behave like the official SDKs: a
/// 503 is retried after its <c>retry-after-ms</c>. Reports the share of 503s, time to first token of the admitted
/// (waiting-room time included) and any other 5xx (must be none). Needs Postgres like <see cref="HttpBenchmark"/>.
/// </summary>
internal sealed class OverloadBenchmark(string modelDirectory, TimeSpan duration)
{
    public const string Model = "synthetic-100m";
    private const int Slots = 16;
    private const int Clients = Slots * 10;
    private const string MaxWait = "00:00:05";

    public async Task<IReadOnlyList<BenchRow>> RunAsync()
    {
        var connection = HttpBenchmark.PostgresConnection();
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.WriteLine($"overload: skipped - the app needs Postgres for its API keys; set {HttpBenchmark.PostgresVariable} (or ConnectionStrings__Platform).");
            return [];
        }

        var folder = Path.Combine(Path.GetTempPath(), $"platform-overload-models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        Directory.CreateSymbolicLink(Path.Combine(folder, Model), modelDirectory);
        await using var app = ApiApplication.Create(
        [
            "--urls", "http://127.0.0.1:0", "--Inference:ModelsDirectory", folder, "--Inference:ExecutionProvider", "cpu",
            "--Inference:WriteDefaultModel", "false", "--Inference:MaxBatchSize", Slots.ToString(CultureInfo.InvariantCulture),
            "--WaitingRoom:MaxWait", MaxWait, "--Logging:LogLevel:Default", "Warning", "--ConnectionStrings:Platform", connection,
        ]);
        await app.StartAsync();
        var registry = app.Services.GetRequiredService<ModelRegistry>();
        while (!registry.LoadingFinished)
        {
            await Task.Delay(20);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var key = await BenchKeyAsync(app.Services);
        using var client = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(() => ClientLoopAsync(client, i, clock, tally))));
        var elapsed = clock.Elapsed;

        // Afterwards the engine must be empty: nothing running, nothing reserved.
        var load = registry.Models.Single().Pool.Load;
        for (var i = 0; i < 100 && (load.RunningSequences > 0 || load.ReservedKvTokens > 0); i++)
        {
            await Task.Delay(50);
            load = registry.Models.Single().Pool.Load;
        }

        await app.Services.GetRequiredService<ApiKeyRepository>().RevokeAsync(key.Key.Id, AuditActor.System);
        await app.StopAsync();
        var name = $"overload {Model}";
        var total = tally.Ok + tally.Overloaded + tally.OtherServerErrors + tally.Other;
        var what = $"{Clients} streams on {Slots} slots for {duration.TotalSeconds:0} s";
        return
        [
            new BenchRow(name, $"share of 503 server_is_overloaded ({what}, MaxWait 5 s)", 100.0 * tally.Overloaded / Math.Max(1, total), "%"),
            new BenchRow(name, "responses 200", tally.Ok, "count"),
            new BenchRow(name, "other 5xx", tally.OtherServerErrors, "count", "0"),
            new BenchRow(name, "other statuses, failed or cut-off streams", tally.Other, "count", "0"),
            new BenchRow(name, "time to first token of the admitted, p50", Percentile(tally.FirstTokens, 0.5), "ms"),
            new BenchRow(name, "time to first token of the admitted, p99", Percentile(tally.FirstTokens, 0.99), "ms"),
            new BenchRow(name, "generated tokens/s while overloaded", tally.Tokens / elapsed.TotalSeconds, "tokens/s"),
            new BenchRow(name, "sequences running or KV tokens reserved afterwards", load.RunningSequences + load.ReservedKvTokens, "count", "0"),
        ];
    }

    private async Task ClientLoopAsync(HttpClient client, int index, Stopwatch clock, Tally tally)
    {
        var random = new Random(index);
        while (clock.Elapsed < duration)
        {
            var body = JsonSerializer.Serialize(new { model = Model, prompt = $"Request {index}: tell me a story about servers and queues.", max_tokens = 16 + random.Next(32), temperature = 0, stream = true, stream_options = new { include_usage = true } });
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/completions", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            var started = clock.Elapsed;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                if (status == 503)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    if (!text.Contains("server_is_overloaded", StringComparison.Ordinal))
                    {
                        Tally.Add(ref tally.OtherServerErrors);
                        continue;
                    }

                    Tally.Add(ref tally.Overloaded);
                    var retryMs = response.Headers.TryGetValues("retry-after-ms", out var values) ? double.Parse(values.First(), CultureInfo.InvariantCulture) : 1_000;
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(retryMs, 60_000)));
                    continue;
                }

                if (status >= 500)
                {
                    Tally.Add(ref tally.OtherServerErrors);
                    continue;
                }

                if (status != 200)
                {
                    Tally.Add(ref tally.Other);
                    continue;
                }

                await ReadStreamAsync(response, clock, started, tally);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                Tally.Add(ref tally.Other);
            }
        }
    }

    private static async Task ReadStreamAsync(HttpResponseMessage response, Stopwatch clock, TimeSpan started, Tally tally)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = true;
        var done = false;
        var tokens = 0L;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == "data: [DONE]")
            {
                done = true;
            }
            else if (line.StartsWith("data: {", StringComparison.Ordinal))
            {
                if (line.Contains("\"error\"", StringComparison.Ordinal))
                {
                    break;
                }

                using var chunk = JsonDocument.Parse(line["data: ".Length..]);
                if (chunk.RootElement.GetProperty("choices").GetArrayLength() == 0)
                {
                    tokens = chunk.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt64();
                }
                else if (first)
                {
                    tally.FirstToken((clock.Elapsed - started).TotalMilliseconds);
                    first = false;
                }
            }
        }

        Tally.Add(ref done ? ref tally.Ok : ref tally.Other);
        Interlocked.Add(ref tally.Tokens, tokens);
    }

    /// <summary>An inference key of a throwaway organization on the highest tier, whose limits stay out of the way.</summary>
    private static async Task<CreatedApiKey> BenchKeyAsync(IServiceProvider services)
    {
        var organization = await services.GetRequiredService<OrganizationRepository>().CreateAsync($"overload-{Guid.NewGuid():N}", AuditActor.System);
        var tier = await services.GetRequiredService<TierRepository>().GetByNameAsync("tier-5");
        var project = await services.GetRequiredService<ProjectRepository>().CreateAsync(organization.Id, "overload", tier.Id, AuditActor.System);
        return await services.GetRequiredService<ApiKeyRepository>().CreateAsync(new NewApiKey(project.Id, "overload", [ApiKeyScopes.Inference]), AuditActor.System);
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
    }

    private sealed class Tally
    {
        private readonly Lock _lock = new();
        public long Ok;
        public long Overloaded;
        public long OtherServerErrors;
        public long Other;
        public long Tokens;

        public List<double> FirstTokens { get; } = [];

        public static void Add(ref long counter) => Interlocked.Increment(ref counter);

        public void FirstToken(double ms)
        {
            lock (_lock)
            {
                FirstTokens.Add(ms);
            }
        }
    }
}
