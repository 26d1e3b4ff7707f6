using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Api.Tests.Support;
using Platform.Inference.Synthetic;
using Platform.Inference.Synthetic.Classifier;

namespace Platform.Api.Tests.Moderation;

/// <summary><c>Moderation:OnnxClassifierDirectory</c>: the app answers moderation with an ONNX classifier on its own ONNX Runtime.</summary>
public sealed class OnnxClassifierEndpointTests : IAsyncLifetime
{
    private readonly string _adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-onnx-moderation-").FullName;
    private TestDatabase? _database;
    private WebApplicationFactory<Program>? _app;

    public async Task InitializeAsync()
    {
        var classifier = Path.Combine(_folder, "tiny-classifier");
        SyntheticClassifierWriter.Write(classifier, [("violence", ["stab"]), ("sexual", ["nudes"])]);
        var models = Path.Combine(_folder, "models");
        SyntheticModelWriter.Write(Path.Combine(models, "tiny-synthetic"), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 512 });
        _database = await TestDatabase.CreateAsync("platform_onnx_moderation");
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1")
            .UseSetting("ConnectionStrings:Platform", _database.ConnectionString)
            .UseSetting("Moderation:OnnxClassifierDirectory", classifier)
            .UseSetting("PLATFORM_ADMIN_KEY", _adminKey));
        _app.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await (_app?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Moderations_OnnxClassifierConfigured_AnswersWithItsLabels()
    {
        using var client = _app!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);

        using var response = await client.PostAsync(new Uri("/v1/moderations", UriKind.Relative),
            new StringContent("""{"input":["he will stab them","a calm day"]}""", Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal("tiny-classifier", body.Str("model"));
        var results = body.GetProperty("results");
        Assert.True(results[0].GetProperty("categories").GetProperty("violence").GetBoolean());
        Assert.Equal("label:violence", results[0].GetProperty("matched_rules")[0].GetString());
        Assert.False(results[1].GetProperty("flagged").GetBoolean());
    }
}
