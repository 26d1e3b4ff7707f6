using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Tiers;

namespace Platform.Bench;

/// <summary>
/// What a flood of made-up keys does to everyone else: the p99 latency of a valid client's requests
/// (<c>GET /v1/models</c>, authentication and limits included, no engine) alone, then while other connections send
/// random keys as fast as they can from another address (127.0.0.2). Both phases run in one process, one after the other, so their ratio is what
/// counts. Needs the bench Postgres (see <see cref="HttpBenchmark.PostgresConnection"/>).
/// </summary>
internal static class AuthFloodBenchmark
{
    private const int Requests = 3000;
    private const int Flooders = 1;

    public static async Task<IReadOnlyList<BenchRow>> RunAsync()
    {
        var connection = HttpBenchmark.PostgresConnection();
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.WriteLine($"auth: skipped - set {HttpBenchmark.PostgresVariable} (or ConnectionStrings__Platform) to run the auth flood rows.");
            return [];
        }

        var folder = Directory.CreateTempSubdirectory("platform-bench-empty-models").FullName;
        await using var app = ApiApplication.Create(
        [
            "--urls", "http://127.0.0.1:0", "--Inference:ModelsDirectory", folder, "--Inference:ExecutionProvider", "cpu",
            "--Inference:WriteDefaultModel", "false", "--Logging:LogLevel:Default", "Warning", "--ConnectionStrings:Platform", connection,
        ]);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        var key = await KeyAsync(app.Services);
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);

        await MeasureAsync(client, 300);
        var quiet = await MeasureAsync(client, Requests);

        var alone = new long[Flooders];
        using (var solo = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            await Task.WhenAll(Enumerable.Range(0, Flooders).Select(i => Task.Run(() => FloodAsync(address, i, alone, solo.Token))));
        }

        using var stop = new CancellationTokenSource();
        var flooded = new long[Flooders];
        var floods = Enumerable.Range(0, Flooders).Select(i => Task.Run(() => FloodAsync(address, i, flooded, stop.Token))).ToArray();
        await Task.Delay(500);
        var loud = await MeasureAsync(client, Requests);
        await stop.CancelAsync();
        await Task.WhenAll(floods);
        var floodRate = flooded.Sum() / (loud.Seconds + 0.5);

        await app.Services.GetRequiredService<ApiKeyRepository>().RevokeAsync(key.Key.Id, AuditActor.System);
        await app.StopAsync();
        return
        [
            new BenchRow("auth flood", "valid requests p99, alone (GET /v1/models)", quiet.P99, "ms"),
            new BenchRow("auth flood", $"valid requests p99, while {Flooders} connection floods random keys", loud.P99, "ms"),
            new BenchRow("auth flood", "ratio flooded / alone (p99)", loud.P99 / quiet.P99, "x", "< 2x"),
            new BenchRow("auth flood", "flood rate alone (invalid keys answered)", alone.Sum() / 3.0, "req/s"),
            new BenchRow("auth flood", "flood rate beside the valid client", floodRate, "req/s"),
        ];
    }

    private static async Task<(double P99, double Seconds)> MeasureAsync(HttpClient client, int count)
    {
        var times = new double[count];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri("v1/models", UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[(int)Math.Ceiling(0.99 * count) - 1], total.Elapsed.TotalSeconds);
    }

    private static async Task FloodAsync(Uri address, int slot, long[] counts, CancellationToken stop)
    {
        // Another client: its own source address (127.0.0.2), as the failure limit is per address.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = address };
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("v1/models", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
            try
            {
                using var response = await client.SendAsync(request, stop);
                await response.Content.ReadAsByteArrayAsync(stop);
                counts[slot]++;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<CreatedApiKey> KeyAsync(IServiceProvider services)
    {
        var organization = await services.GetRequiredService<OrganizationRepository>().CreateAsync($"bench-auth-{Guid.NewGuid():N}", AuditActor.System);
        var tier = await services.GetRequiredService<TierRepository>().GetByNameAsync("tier-5");
        var project = await services.GetRequiredService<ProjectRepository>().CreateAsync(organization.Id, "bench", tier.Id, AuditActor.System);
        return await services.GetRequiredService<ApiKeyRepository>().CreateAsync(new NewApiKey(project.Id, "bench", [ApiKeyScopes.Inference]), AuditActor.System);
    }
}
