using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Health;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Readyz_TwoGoodModelsAndOneBroken_ReadyWithProvidersAndTheFailureNamed()
    {
        var models = Path.Combine(Path.GetTempPath(), "platform-tests", $"models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(models);
        Directory.CreateSymbolicLink(Path.Combine(models, "tiny-random-gpt2"), SharedData.Model("tiny-random-gpt2"));
        Directory.CreateSymbolicLink(Path.Combine(models, "tiny-random-llama"), SharedData.Model("tiny-random-llama"));
        var broken = Directory.CreateDirectory(Path.Combine(models, "broken"));
        File.WriteAllText(Path.Combine(broken.FullName, "genai_config.json"), "{ not json");

        await using var database = await TestDatabase.CreateAsync("platform_health");
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:ExecutionProvider", "auto")
            .UseSetting("Inference:IntraOpThreads", "1"));
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        var response = await WaitForReady(client);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;

        Assert.Equal("ready", root.GetProperty("status").GetString());
        var runtime = root.GetProperty("onnx_runtime");
        Assert.Equal("1.31.1", runtime.GetProperty("version").GetString());
        Assert.Equal("cpu", runtime.GetProperty("flavor").GetString());

        // auto on the CPU build: CUDA was tried, the CPU serves, and readiness says why.
        Assert.Equal("CPUExecutionProvider", runtime.GetProperty("execution_provider").GetString());
        Assert.Contains("CUDA", runtime.GetProperty("fallback_reason").GetString(), StringComparison.Ordinal);
        var byId = root.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal("CPUExecutionProvider", byId["tiny-random-gpt2"].GetProperty("execution_provider").GetString());
        Assert.Equal("CPUExecutionProvider", byId["tiny-random-llama"].GetProperty("execution_provider").GetString());
        Assert.Equal("failed", byId["broken"].GetProperty("status").GetString());
        Assert.Contains("genai_config.json", byId["broken"].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_AFolderFailingWithAnUnexpectedException_IsReportedAndTheNextFolderStillLoads()
    {
        // A tokenizer_config.json that is not JSON fails with JsonException, which no loader step translates: the
        // background loading used to catch only four exception types and stopped there, leaving later folders unloaded.
        var models = Path.Combine(Path.GetTempPath(), "platform-tests", $"models-{Guid.NewGuid():N}");
        var odd = Directory.CreateDirectory(Path.Combine(models, "a-odd-tokenizer-config"));
        foreach (var file in Directory.EnumerateFiles(SharedData.Model("tiny-random-llama")))
        {
            if (Path.GetFileName(file) != "tokenizer_config.json")
            {
                File.CreateSymbolicLink(Path.Combine(odd.FullName, Path.GetFileName(file)), file);
            }
        }

        File.WriteAllText(Path.Combine(odd.FullName, "tokenizer_config.json"), "{ not json");
        Directory.CreateSymbolicLink(Path.Combine(models, "z-tiny-random-llama"), SharedData.Model("tiny-random-llama"));

        await using var database = await TestDatabase.CreateAsync("platform_health");
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1"));
        using var client = app.CreateClient();

        var response = await WaitForReady(client);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var byId = body.RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal("failed", byId["a-odd-tokenizer-config"].GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(byId["a-odd-tokenizer-config"].GetProperty("error").GetString()));
        Assert.Equal("ready", byId["z-tiny-random-llama"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Startup_CudaRequiredOnCpuBuild_FailsWithClearMessage()
    {
        await using var database = await TestDatabase.CreateAsync("platform_health");
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
            .UseSetting("Inference:ModelsDirectory", Path.Combine(Path.GetTempPath(), "platform-tests", "no-models"))
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("Inference:ExecutionProvider", "cuda"));

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("CUDA", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("Inference:ExecutionProvider", ex.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> WaitForReady(HttpClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK || attempt == 300)
            {
                return response;
            }

            await Task.Delay(50);
        }
    }
}
