using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Moderations;
using Platform.Api.Tests.Support;
using Platform.Moderation.Rules;

namespace Platform.Api.Tests.Moderation;

/// <summary>
/// Output moderation (<c>Moderation:CheckOutput</c>) on a real generation: the test learns what the model writes
/// greedily, starts a second app whose rules flag a word from the middle of it, and asks again.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class OutputModerationTests(ApiFixture api) : IAsyncLifetime
{
    private const string Request = """{"model":"tiny-synthetic","messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":40,"temperature":0""";
    private readonly string _adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-output-moderation-").FullName;
    private TestDatabase? _database;
    private WebApplicationFactory<Program>? _app;
    private string _full = "";
    private string _word = "";

    public async Task InitializeAsync()
    {
        var (status, body) = await api.SendAsync(api.AdminKey, "POST", "/v1/chat/completions", Request + "}");
        Assert.Equal(200, status);
        _full = body.GetProperty("choices")[0].GetProperty("message").Str("content");
        var words = TextNormalizer.Normalize(_full);
        var candidates = Enumerable.Range(0, words.Count)
            .Where(i => i >= words.Count / 2 && words[i].Length >= 2 && !words[i].ContainsAnyInRange('0', '9'))
            .Where(i => Enumerable.Range(0, i).All(j => !words[j].StartsWith(words[i][..2], StringComparison.Ordinal)))
            .ToList();
        Assert.True(candidates.Count > 0, $"no word to flag in '{_full}'");
        _word = words[candidates[0]].ToString();

        var rules = Path.Combine(_folder, "rules.json");
        var thresholds = string.Join(", ", Platform.Moderation.ModerationCategories.All.Select(c => $"\"{c}\": 0.5"));
        await File.WriteAllTextAsync(rules, $$"""{ "name": "test-output-rules", "thresholds": { {{thresholds}} }, "rules": [{ "id": "test.generated-word", "weights": { "violence": 1 }, "terms": ["{{_word}}"] }] }""");
        var models = Directory.CreateDirectory(Path.Combine(_folder, "models")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(models, ApiFixture.Synthetic), Path.Combine(api.ModelsDirectory, ApiFixture.Synthetic));
        _database = await TestDatabase.CreateAsync("platform_output_moderation");
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1")
            .UseSetting("ConnectionStrings:Platform", _database.ConnectionString)
            .UseSetting("Moderation:RulesPath", rules)
            .UseSetting("Moderation:CheckOutput", "true")
            .UseSetting("PLATFORM_ADMIN_KEY", _adminKey));
        using var warm = _app.CreateClient();
        var registry = _app.Services.GetRequiredService<Platform.Inference.Models.ModelRegistry>();
        for (var i = 0; i < 600 && !registry.LoadingFinished; i++)
        {
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await (_app?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task BlockTier_FlaggedOutput_EndsWithContentFilterBeforeTheWordWhetherStreamedOrNot()
    {
        // The bootstrap project is on tier-1, whose moderation mode is block.
        using var client = Client();
        using var whole = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(Request + "}"));
        var body = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement;
        using var streamed = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative)) { Content = Json(Request + ""","stream":true}""") },
            HttpCompletionOption.ResponseHeadersRead);
        var chunks = SseReader.Json(await SseReader.ReadDataAsync(streamed));

        var choice = body.GetProperty("choices")[0];
        var cut = choice.GetProperty("message").Str("content");
        Assert.True(choice.Str("finish_reason") == "content_filter", $"'{_word}' in '{_full}': got '{cut}', {choice.Str("finish_reason")}");
        Assert.StartsWith(cut, _full, StringComparison.Ordinal);
        Assert.True(cut.Length < _full.Length);
        Assert.DoesNotContain(_word, TextNormalizer.Normalize(cut).ToString().Split(' '));
        Assert.True(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionResponse", body.GetRawText()));

        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        Assert.Equal("content_filter", withChoices[^1].GetProperty("choices")[0].Str("finish_reason"));
        Assert.Equal(cut, string.Concat(withChoices.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));

        var events = await EventsAsync();
        Assert.Equal(2, events.Count(e => e.Str("source") == "output" && e.Str("action") == "filtered"));
        Assert.Contains("test.generated-word", events[0].GetProperty("matched_rules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task FlagTier_FlaggedOutput_ServedWholeAndRecorded()
    {
        using var admin = Client();
        var tiers = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/tiers?limit=100", UriKind.Relative))).RootElement;
        var tier1 = tiers.GetProperty("data").EnumerateArray().Single(t => t.Str("name") == "tier-1").Str("id");
        using var update = await admin.PostAsync(new Uri($"/admin/tiers/{tier1}", UriKind.Relative), Json("""{"moderation_mode":"flag"}"""));
        Assert.True(update.IsSuccessStatusCode);

        using var whole = await admin.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(Request + "}"));
        var body = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(_full, body.GetProperty("choices")[0].GetProperty("message").Str("content"));
        Assert.NotEqual("content_filter", body.GetProperty("choices")[0].Str("finish_reason"));
        Assert.Contains(await EventsAsync(), e => e.Str("source") == "output" && e.Str("action") == "flagged");
    }

    private HttpClient Client()
    {
        var client = _app!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return client;
    }

    private async Task<List<JsonElement>> EventsAsync()
    {
        await _app!.Services.GetRequiredService<ModerationEventWriter>().FlushAsync(CancellationToken.None);
        using var client = Client();
        var list = JsonDocument.Parse(await client.GetStringAsync(new Uri("/admin/moderation/events?limit=100", UriKind.Relative))).RootElement;
        return [.. list.GetProperty("data").EnumerateArray()];
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
