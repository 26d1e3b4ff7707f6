using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Bench;

/// <summary>
/// The API as a client sees it, hosted in-process on a real Kestrel loopback port: time to first token and
/// inter-token latency of one stream, and the per-request overhead of everything outside the engine (API-key
/// authentication included). The app needs its Postgres: <c>PLATFORM_BENCH_POSTGRES</c> (a connection string to a
/// database the bench may migrate and add a throwaway organization to) or <c>ConnectionStrings__Platform</c>;
/// without either, these rows are skipped with a message.
/// </summary>
internal sealed class HttpBenchmark(IReadOnlyDictionary<string, string> models)
{
    private const string Prompt = "Once upon a time, in a land far away, there lived a curious engineer who built servers.";

    public const string PostgresVariable = "PLATFORM_BENCH_POSTGRES";

    /// <summary>The Postgres the benchmarks that host the app or write usage events use: <see cref="PostgresVariable"/>, else the app's own setting.</summary>
    public static string? PostgresConnection() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } bench ? bench : Environment.GetEnvironmentVariable("ConnectionStrings__Platform");

    public async Task<IReadOnlyList<BenchRow>> RunAsync()
    {
        var connection = PostgresConnection();
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.WriteLine($"http: skipped - the app needs Postgres for its API keys; set {PostgresVariable} (or ConnectionStrings__Platform) to a connection string to run the HTTP rows.");
            return [];
        }

        var folder = Path.Combine(Path.GetTempPath(), $"platform-bench-models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (var (name, directory) in models)
        {
            Directory.CreateSymbolicLink(Path.Combine(folder, name), directory);
        }

        await using var app = ApiApplication.Create(
        [
            "--urls", "http://127.0.0.1:0", "--Inference:ModelsDirectory", folder, "--Inference:ExecutionProvider", "cpu",
            "--Inference:WriteDefaultModel", "false", "--Logging:LogLevel:Default", "Warning", "--ConnectionStrings:Platform", connection,
        ]);
        await app.StartAsync();
        var registry = app.Services.GetRequiredService<ModelRegistry>();
        while (!registry.LoadingFinished)
        {
            await Task.Delay(20);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(5) };
        var key = await BenchKeyAsync(app.Services);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        var rows = new List<BenchRow>();
        foreach (var name in models.Keys)
        {
            rows.AddRange(await StreamLatencyAsync(client, name));
        }

        // The smallest model, so the engine's own time (and its noise) is as small as it gets.
        rows.Add(await ServerOverheadAsync(client, registry.Models.MinBy(m => new FileInfo(m.Config.DecoderPath).Length)!));
        await app.Services.GetRequiredService<ApiKeyRepository>().RevokeAsync(key.Key.Id, AuditActor.System);
        await app.StopAsync();
        return rows;
    }

    /// <summary>An inference key of a throwaway organization on the highest tier, revoked when the bench ends.</summary>
    private static async Task<CreatedApiKey> BenchKeyAsync(IServiceProvider services)
    {
        var organization = await services.GetRequiredService<OrganizationRepository>().CreateAsync($"bench-{Guid.NewGuid():N}", AuditActor.System);
        var tier = await services.GetRequiredService<TierRepository>().GetByNameAsync("tier-5");
        var project = await services.GetRequiredService<ProjectRepository>().CreateAsync(organization.Id, "bench", tier.Id, AuditActor.System);
        return await services.GetRequiredService<ApiKeyRepository>().CreateAsync(new NewApiKey(project.Id, "bench", [ApiKeyScopes.Inference]), AuditActor.System);
    }

    private static async Task<IEnumerable<BenchRow>> StreamLatencyAsync(HttpClient client, string model)
    {
        var firstTokens = new List<double>();
        var gaps = new List<double>();
        for (var round = 0; round < 12; round++)
        {
            var body = JsonSerializer.Serialize(new { model, prompt = Prompt, max_tokens = 48, temperature = 0, stream = true });
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/completions", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            double? last = null;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: {", StringComparison.Ordinal))
                {
                    continue;
                }

                var now = clock.Elapsed.TotalMilliseconds;
                if (last is null)
                {
                    if (round > 1)
                    {
                        firstTokens.Add(now);
                    }
                }
                else if (round > 1)
                {
                    gaps.Add(now - last.Value);
                }

                last = now;
            }
        }

        return
        [
            new BenchRow($"http {model}", "time to first token p50 (88-character prompt, streamed)", Percentile(firstTokens, 0.5), "ms"),
            new BenchRow($"http {model}", "time to first token p99", Percentile(firstTokens, 0.99), "ms"),
            new BenchRow($"http {model}", "inter-token latency p50", Percentile(gaps, 0.5), "ms"),
            new BenchRow($"http {model}", "inter-token latency p99", Percentile(gaps, 0.99), "ms"),
        ];
    }

    /// <summary>
    /// The same one-token completion, alternately through HTTP (parse, validate, tokenize, JSON, Kestrel,
    /// loopback) and straight into the engine in this process; the difference of the medians is what the
    /// server adds around the engine.
    /// </summary>
    private static async Task<BenchRow> ServerOverheadAsync(HttpClient client, LoadedModel model)
    {
        var http = new List<double>();
        var direct = new List<double>();
        var body = JsonSerializer.Serialize(new { model = model.Name, prompt = "Hello there", max_tokens = 1, temperature = 0 });
        var options = new GenerationOptions { MaxTokens = 1, Temperature = 0f };
        for (var round = 0; round < 400; round++)
        {
            var clock = Stopwatch.StartNew();
            using (var response = await client.PostAsync(new Uri("v1/completions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json")))
            {
                await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            var httpMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await foreach (var _ in model.GenerateTextAsync("Hello there", options))
            {
            }

            var directMs = clock.Elapsed.TotalMilliseconds;
            if (round >= 50)
            {
                http.Add(httpMs);
                direct.Add(directMs);
            }
        }

        return new BenchRow($"http {model.Name}", "server overhead outside the engine, p50 (1-token completion)", Percentile(http, 0.5) - Percentile(direct, 0.5), "ms", "< 0.5 ms");
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
}
