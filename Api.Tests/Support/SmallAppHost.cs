using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The whole app on a real Kestrel loopback port, serving only the small synthetic model, over a database of its
/// own, with the settings a test gives (for example a small engine capacity).
/// </summary>
internal sealed class SmallAppHost : IAsyncDisposable
{
    public const string Model = "tiny-synthetic";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly TestDatabase _database;

    private SmallAppHost(WebApplicationFactory<Program> factory, TestDatabase database, Uri baseAddress)
    {
        _factory = factory;
        _database = database;
        BaseAddress = baseAddress;
    }

    public string AdminKey { get; private init; } = "";

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    public LoadedModel LoadedModel => Services.GetRequiredService<ModelRegistry>().TryGet(Model, out var model) ? model : throw new InvalidOperationException("not loaded");

    public static async Task<SmallAppHost> StartAsync(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null, int contextLength = 512)
    {
        var database = await TestDatabase.CreateAsync("platform_small");
        var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-tests", $"small-models-{Guid.NewGuid():N}")).FullName;
        SyntheticModelWriter.Write(Path.Combine(models, Model), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = contextLength });
        var adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Inference:ModelsDirectory", models)
                .UseSetting("Inference:WriteDefaultModel", "false")
                .UseSetting("Inference:ExecutionProvider", "cpu")
                .UseSetting("Inference:IntraOpThreads", "1")
                .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
                .UseSetting("PLATFORM_ADMIN_KEY", adminKey)
                .UseSetting("urls", "http://127.0.0.1:0");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }

            if (services is not null)
            {
                b.ConfigureServices(services);
            }
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new SmallAppHost(factory, database, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/"))
        {
            AdminKey = adminKey,
        };
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        for (var i = 0; i < 600 && !registry.LoadingFinished; i++)
        {
            await Task.Delay(20);
        }

        _ = host.LoadedModel;
        return host;
    }

    public HttpClient Client(string? key, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task<JsonElement> AdminAsync(string method, string path, string? body = null)
    {
        using var client = Client(AdminKey);
        return await client.OkJsonAsync(method, path, body);
    }

    /// <summary>A key of a new project on a new tier with this waiting-room priority and limits too high to interfere.</summary>
    public async Task<string> NewKeyAsync(int priority)
    {
        var tier = await AdminAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"w{priority}-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":100000,"tokens_per_minute":100000000,"tokens_per_day":1000000000,"max_concurrent_requests":10000,"waiting_room_priority":{{priority}}}""");
        var org = await AdminAsync("POST", "/admin/organizations", $$"""{"name":"{{Guid.NewGuid():N}}"}""");
        var project = await AdminAsync("POST", $"/admin/organizations/{org.Str("id")}/projects", $$"""{"name":"p","tier_id":"{{tier.Str("id")}}"}""");
        return (await AdminAsync("POST", $"/admin/projects/{project.Str("id")}/api_keys", """{"name":"k"}""")).Str("value");
    }

    public async Task<PrometheusParser> ScrapeAsync()
    {
        using var client = Client(null);
        return PrometheusParser.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _database.DisposeAsync();
    }
}
