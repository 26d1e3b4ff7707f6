using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Sampling;

/// <summary>
/// <c>usage.prompt_tokens_details.cached_tokens</c> reports the prompt tokens the engine's prefix cache served, on chat
/// and text completions, whole and streamed (<c>include_usage</c>); <c>prompt_cache_key</c> is validated and
/// separates what is shared.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class PromptCacheUsageTests(ApiFixture api)
{
    private static readonly string SystemPrompt = string.Concat(Enumerable.Repeat("You are a careful assistant who answers in short sentences. ", 5));

    [Fact]
    public async Task Chat_SecondRequestWithTheSameSystemPrompt_ReportsCachedTokens_WholeAndStreamed()
    {
        var key = ApiCalls.Unique("chat");
        var first = await ChatAsync(key, "What is two and two?", stream: false);
        var second = await ChatAsync(key, "What is three and three?", stream: false);
        var streamed = await ChatAsync(key, "What is four and four?", stream: true);

        Assert.Equal(0, first.Cached);
        foreach (var usage in new[] { second, streamed })
        {
            // The system prompt is most of the prompt; its whole blocks come from the cache.
            Assert.True(usage.Cached >= usage.Prompt / 2, $"{usage.Cached} cached of {usage.Prompt}");
            Assert.True(usage.Cached < usage.Prompt);
            Assert.Equal(0, usage.Cached % 16);
        }
    }

    [Fact]
    public async Task Completions_SamePromptAgain_ReportsCachedTokens_AndIsTheSameText()
    {
        var key = ApiCalls.Unique("completions");
        var first = await CompletionAsync(key, SystemPrompt, stream: false);
        var second = await CompletionAsync(key, SystemPrompt, stream: false);
        var streamed = await CompletionAsync(key, SystemPrompt, stream: true);

        Assert.Equal(0, first.Cached);
        Assert.Equal((first.Prompt - 1) / 16 * 16, second.Cached);
        Assert.Equal(second.Cached, streamed.Cached);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, streamed.Text);
    }

    [Fact]
    public async Task PromptCacheKey_IsPartOfTheNamespace()
    {
        await CompletionAsync(ApiCalls.Unique("a"), SystemPrompt + " one", stream: false);
        Assert.Equal(0, (await CompletionAsync(ApiCalls.Unique("b"), SystemPrompt + " one", stream: false)).Cached);
    }

    [Theory]
    [InlineData("123", "invalid_type")]
    [InlineData("[\"a\"]", "invalid_type")]
    [InlineData("\"LONG\"", "invalid_value")]
    public async Task PromptCacheKey_Invalid_Is400(string value, string code)
    {
        value = value.Replace("LONG", new string('k', 1025), StringComparison.Ordinal);
        foreach (var (path, body) in new[]
        {
            ("/v1/chat/completions", $$"""{"model":"{{ApiFixture.Synthetic}}","messages":[{"role":"user","content":"hi"}],"max_tokens":2,"prompt_cache_key":{{value}}}"""),
            ("/v1/completions", $$"""{"model":"{{ApiFixture.Synthetic}}","prompt":"hi","max_tokens":2,"prompt_cache_key":{{value}}}"""),
        })
        {
            var (status, error) = await api.SendAsync(api.InferenceKey, "POST", path, body);
            Assert.Equal(400, status);
            ApiCalls.AssertError(error, code, "prompt_cache_key");
        }
    }

    private async Task<Reported> ChatAsync(string key, string question, bool stream)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = ApiFixture.Synthetic,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "system", ["content"] = SystemPrompt }, new Dictionary<string, string> { ["role"] = "user", ["content"] = question } },
            ["max_tokens"] = 6,
            ["temperature"] = 0,
            ["prompt_cache_key"] = key,
            ["stream"] = stream,
        });
        return await SendAsync("/v1/chat/completions", Streamed(body, stream), stream, b => b.GetProperty("message").GetProperty("content").GetString(), d => d.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var c) ? c.GetString() : null);
    }

    private async Task<Reported> CompletionAsync(string key, string prompt, bool stream)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = ApiFixture.Synthetic,
            ["prompt"] = prompt,
            ["max_tokens"] = 6,
            ["temperature"] = 0,
            ["prompt_cache_key"] = key,
            ["stream"] = stream,
        });
        return await SendAsync("/v1/completions", Streamed(body, stream), stream, b => b.GetProperty("text").GetString(), d => d.GetProperty("text").GetString());
    }

    private static string Streamed(string body, bool stream) =>
        stream ? body.TrimEnd('}') + ",\"stream_options\":{\"include_usage\":true}}" : body;

    private async Task<Reported> SendAsync(string path, string body, bool stream, Func<JsonElement, string?> wholeText, Func<JsonElement, string?> chunkText)
    {
        using var client = api.CreateClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(path.TrimStart('/'), UriKind.Relative), content);
        Assert.Equal(200, (int)response.StatusCode);
        JsonElement usage;
        string text;
        if (stream)
        {
            var chunks = SseReader.Json(await SseReader.ReadDataAsync(response));
            usage = chunks.Last().GetProperty("usage");
            text = string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).Select(chunkText));
        }
        else
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            usage = document.RootElement.GetProperty("usage").Clone();
            text = wholeText(document.RootElement.GetProperty("choices")[0]) ?? string.Empty;
        }

        return new Reported(usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32(), text);
    }

    private sealed record Reported(int Prompt, int Cached, string Text);
}
