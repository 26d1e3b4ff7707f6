using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The whole app on a real Kestrel loopback port, serving the two shared models and a small synthetic one
/// (its byte-level tokenizer takes any text). Shared by the API tests; models load once.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string Llama = "tiny-random-llama";
    public const string Gpt2 = "tiny-random-gpt2";
    public const string Synthetic = "tiny-synthetic";

    private readonly WebApplicationFactory<Program> _factory;

    public ApiFixture()
    {
        ModelsDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", $"api-models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(ModelsDirectory);
        Directory.CreateSymbolicLink(Path.Combine(ModelsDirectory, Llama), SharedData.Model(Llama));
        Directory.CreateSymbolicLink(Path.Combine(ModelsDirectory, Gpt2), SharedData.Model(Gpt2));
        SyntheticModelWriter.Write(Path.Combine(ModelsDirectory, Synthetic), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 512 });
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", ModelsDirectory)
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1")
            .UseSetting("Api:MaxRequestBodyBytes", "65536"));
        _factory.UseKestrel(0);
    }

    public string ModelsDirectory { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IServiceProvider Services => _factory.Services;

    public ModelRegistry Registry => Services.GetRequiredService<ModelRegistry>();

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
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
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ApiTests : ICollectionFixture<ApiFixture>
{
    public const string Name = "API on Kestrel";
}
