using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Usage;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Api.Lifecycle;

/// <summary>
/// What replicas of the app as child processes share: a database, a models folder with one small synthetic model,
/// a spool folder and an admin key. Any number of replicas can be started over it, as a Deployment's pods would be.
/// </summary>
internal sealed class ReplicaEnvironment : IAsyncDisposable
{
    public const string Model = "tiny-drain";

    private readonly string _models;
    private readonly string _spool;

    private ReplicaEnvironment(TestDatabase database, string models, string spool, string endTokens)
    {
        Database = database;
        _models = models;
        _spool = spool;
        EndTokenBias = endTokens;
    }

    public TestDatabase Database { get; }

    public string AdminKey { get; } = $"sk-drain-admin-{Guid.NewGuid():N}";

    /// <summary>A <c>logit_bias</c> object that keeps the model from ending early, so streams run as long as asked.</summary>
    public string EndTokenBias { get; }

    public static async Task<ReplicaEnvironment> CreateAsync()
    {
        var models = Directory.CreateTempSubdirectory("platform-drain-models-").FullName;
        var spool = Directory.CreateTempSubdirectory("platform-drain-spool-").FullName;
        SyntheticModelWriter.Write(Path.Combine(models, Model), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 16384 });
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(models, Model, "genai_config.json")));
        var ends = config.RootElement.GetProperty("model").GetProperty("eos_token_id").EnumerateArray().Select(e => $"\"{e.GetInt32()}\":-100");
        return new ReplicaEnvironment(await TestDatabase.CreateAsync("platform_drain"), models, spool, "{" + string.Join(',', ends) + "}");
    }

    public Task<ChildApp> StartReplicaAsync(IReadOnlyDictionary<string, string> settings)
    {
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:Platform"] = Database.ConnectionString,
            ["Inference:ModelsDirectory"] = _models,
            ["Inference:WriteDefaultModel"] = "false",
            ["Inference:ExecutionProvider"] = "cpu",
            ["Inference:IntraOpThreads"] = "1",
            ["PLATFORM_ADMIN_KEY"] = AdminKey,
            ["Metering:SpoolDirectory"] = _spool,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return ChildApp.StartAsync(all);
    }

    /// <summary>The key completions use: a project on a tier whose limits are too high to interfere (made once, through a replica).</summary>
    public string InferenceKey { get; private set; } = "";

    public HttpClient Client(Uri address, TimeSpan timeout, string? key = null)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key ?? InferenceKey);
        return client;
    }

    public async Task CreateInferenceKeyAsync(Uri address)
    {
        using var admin = Client(address, TimeSpan.FromSeconds(30), AdminKey);
        var tier = await admin.OkJsonAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"drain-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":1000000,"tokens_per_minute":1000000000,"tokens_per_day":10000000000,"max_concurrent_requests":100000,"waiting_room_priority":10}""");
        var org = await admin.OkJsonAsync("POST", "/admin/organizations", $$"""{"name":"{{Guid.NewGuid():N}}"}""");
        var project = await admin.OkJsonAsync("POST", $"/admin/organizations/{org.Str("id")}/projects", $$"""{"name":"p","tier_id":"{{tier.Str("id")}}"}""");
        InferenceKey = (await admin.OkJsonAsync("POST", $"/admin/projects/{project.Str("id")}/api_keys", """{"name":"k"}""")).Str("value");
    }

    /// <summary>A streamed text completion of exactly <paramref name="maxTokens"/> tokens (the end tokens are banned).</summary>
    public string StreamBody(int maxTokens) =>
        $$"""{"model":"{{Model}}","prompt":"Hello","max_tokens":{{maxTokens}},"temperature":0,"stream":true,"logit_bias":{{EndTokenBias}}}""";

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(_models, recursive: true);
        Directory.Delete(_spool, recursive: true);
    }
}
