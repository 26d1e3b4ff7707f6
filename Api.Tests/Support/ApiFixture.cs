using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The whole app on a real Kestrel loopback port, serving the two shared models and a small synthetic one
/// (its byte-level tokenizer takes any text), over a database of its own with a known admin key (PLATFORM_ADMIN_KEY)
/// and an inference key that <see cref="CreateClient()"/> sends. Shared by the API tests; models load once.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string Llama = "tiny-random-llama";
    public const string Gpt2 = "tiny-random-gpt2";
    public const string Synthetic = "tiny-synthetic";

    /// <summary>The one browser origin the fixture's app allows (<c>Api:Cors:AllowedOrigins</c>).</summary>
    public const string CorsOrigin = "http://localhost:5173";

    private WebApplicationFactory<Program>? _factory;
    private TestDatabase? _database;

    public ApiFixture()
    {
        ModelsDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", $"api-models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(ModelsDirectory);
        Directory.CreateSymbolicLink(Path.Combine(ModelsDirectory, Llama), SharedData.Model(Llama));
        Directory.CreateSymbolicLink(Path.Combine(ModelsDirectory, Gpt2), SharedData.Model(Gpt2));
        SyntheticModelWriter.Write(Path.Combine(ModelsDirectory, Synthetic), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 2048 });
    }

    public string ModelsDirectory { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IServiceProvider Services => (_factory ?? throw new InvalidOperationException("The fixture is not started.")).Services;

    public ModelRegistry Registry => Services.GetRequiredService<ModelRegistry>();

    /// <summary>The bootstrap admin key (admin and inference scopes), given to the app as PLATFORM_ADMIN_KEY.</summary>
    public string AdminKey { get; } = $"sk-test-admin-{Guid.NewGuid():N}";

    /// <summary>An inference-only key of the default project.</summary>
    public string InferenceKey { get; private set; } = "";

    /// <summary>The default project the bootstrap made.</summary>
    public long DefaultProjectId { get; private set; }

    /// <summary>A client that sends <see cref="InferenceKey"/>.</summary>
    public HttpClient CreateClient() => CreateClient(InferenceKey);

    /// <summary>A client that sends <paramref name="key"/> as a bearer token, or no Authorization header when null.</summary>
    public HttpClient CreateClient(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public HttpClient CreateAdminClient() => CreateClient(AdminKey);

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("platform_api");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", ModelsDirectory)
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1")
            .UseSetting("Api:MaxRequestBodyBytes", "65536")
            .UseSetting("ConnectionStrings:Platform", _database.ConnectionString)
            .UseSetting("PLATFORM_ADMIN_KEY", AdminKey)

            // Many tests send bad keys from this one address on purpose; the limit itself is tested in AuthFloodTests.
            .UseSetting("Auth:FailuresPerMinute", "1000000")
            .UseSetting("Api:Cors:AllowedOrigins:0", CorsOrigin)

            // A free port only: without an address of its own the app adds its default 8080, which a server
            // running on the same machine may hold.
            .UseSetting("urls", "http://127.0.0.1:0"));
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        for (var i = 0; i < 600 && !Registry.LoadingFinished; i++)
        {
            await Task.Delay(20);
        }

        if (Registry.Models.Count != 3)
        {
            throw new InvalidOperationException($"Expected 3 models, got: {string.Join(", ", Registry.Models.Select(m => m.Name))}; failures: {string.Join("; ", Registry.Failures.Select(f => f.Error))}");
        }

        var keys = Services.GetRequiredService<ApiKeyRepository>();
        var admin = await keys.FindBySecretAsync(AdminKey) ?? throw new InvalidOperationException("The bootstrap admin key was not stored.");
        DefaultProjectId = admin.Project.Id;
        InferenceKey = (await keys.CreateAsync(new NewApiKey(DefaultProjectId, "tests", [ApiKeyScopes.Inference]), AuditActor.System)).Secret;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiTests : ICollectionFixture<ApiFixture>
{
    public const string Name = "API on Kestrel";
}

/// <summary>
/// The console's browser tests on an app of their own, run alone after the parallel collections: each waits on a
/// real browser and a real server with 30 s deadlines, which the rest of the suite's load on two cores was seen to
/// exceed (a sign-in that did not come back in time, about one full run in two).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleBrowserTestGroup : ICollectionFixture<ApiFixture>
{
    public const string Name = "Console in a browser";
}
