using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Chat;

[Collection(ApiTests.Name)]
public sealed class ChatCompletionsTests(ApiFixture api)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Create_Plain_MatchesTheOfficialSchema()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json("""
            {"model":"tiny-random-llama","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"}]}],
             "max_tokens":6,"temperature":0,"logprobs":true,"top_logprobs":3,"n":2,"user":"u1","some_future_field":{"x":1}}
            """));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionResponse", body));
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        var choices = root.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal(2, choices.Count);
        Assert.Equal(choices[0].GetProperty("message").GetProperty("content").GetString(), choices[1].GetProperty("message").GetProperty("content").GetString());
        var logprobs = choices[0].GetProperty("logprobs").GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(6, logprobs.Count);
        Assert.All(logprobs, l => Assert.Equal(3, l.GetProperty("top_logprobs").GetArrayLength()));
        Assert.Equal(12, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0, root.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_Streamed_ChunksFollowTheProtocol()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = Json("""{"model":"tiny-random-llama","messages":[{"role":"user","content":"Hi"}],"max_tokens":10,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}"""),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await SseReader.ReadDataAsync(response);
        var chunks = SseReader.Json(events);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events.SkipLast(1), e => Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionStreamResponse", e)));
        var first = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        Assert.Equal(string.Empty, first.GetProperty("content").GetString());
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        Assert.Equal("length", withChoices[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.All(withChoices.SkipLast(1), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(10, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_StopSequence_TextEndsBeforeItWhetherStreamedOrNot()
    {
        using var client = api.CreateClient();
        const string Request = """{"model":"tiny-synthetic","messages":[{"role":"user","content":"Count with me"}],"max_tokens":40,"temperature":0""";
        var full = await Content(client, Request + "}");
        Assert.True(full.Length > 8, $"need some text to cut, got '{full}'");

        // A stop sequence from the middle of the text, likely spanning a token boundary.
        var stop = full.Substring(full.Length / 2, 3);
        var cut = full[..full.IndexOf(stop, StringComparison.Ordinal)];
        var stopJson = JsonSerializer.Serialize(stop);

        var plain = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(Request + $",\"stop\":[{stopJson}]}}"));
        using var plainBody = JsonDocument.Parse(await plain.Content.ReadAsStringAsync());
        var choice = plainBody.RootElement.GetProperty("choices")[0];
        Assert.Equal(cut, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        using var streamed = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(Request + $",\"stop\":{stopJson},\"stream\":true}}"));
        var chunks = SseReader.Json(await SseReader.ReadDataAsync(streamed));
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal(cut, text);
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Create_ClientDisconnects_GenerationStopsAndKvReturnsToZero()
    {
        // tiny-random-llama rarely ends on its own; 2,000 tokens would take far longer than the test waits.
        var model = api.Registry.Models.Single(m => m.Name == ApiFixture.Llama);
        var generatedBefore = model.Pool.Workers.Sum(w => w.GeneratedTokens);

        // No draining of the unread response on dispose: the connection closes, as a client that goes away does.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.InferenceKey);
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = Json("""{"model":"tiny-random-llama","messages":[{"role":"user","content":"Go on forever"}],"max_tokens":2000,"temperature":0,"stream":true}"""),
        })
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (var lines = 0; lines < 6; lines++)
            {
                await reader.ReadLineAsync();
            }
        }

        // Leaving the using blocks closed the connection; the engine sees the cancellation within a step.
        for (var i = 0; i < 500 && model.Pool.Workers.Any(w => w.Active > 0 || w.KvTokens > 0); i++)
        {
            await Task.Delay(10);
        }

        Assert.All(model.Pool.Workers, w => Assert.Equal(0, w.Active));
        Assert.All(model.Pool.Workers, w => Assert.Equal(0, w.KvTokens));
        var generated = model.Pool.Workers.Sum(w => w.GeneratedTokens) - generatedBefore;
        Assert.InRange(generated, 3, 1999);
    }

    [Fact]
    public async Task Create_SameSeed_SameText()
    {
        using var client = api.CreateClient();
        const string Request = """{"model":"tiny-synthetic","messages":[{"role":"user","content":"Surprise me"}],"max_tokens":12,"temperature":1.2,"seed":1234}""";

        Assert.Equal(await Content(client, Request), await Content(client, Request));
    }

    [Fact]
    public async Task Create_ClientRequestId_IsEchoed()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = Json("""{"model":"tiny-synthetic","messages":[{"role":"user","content":"Hi"}],"max_tokens":1}"""),
        };
        request.Headers.Add("X-Client-Request-Id", "my-trace-42");

        using var response = await client.SendAsync(request);

        Assert.Equal("my-trace-42", response.Headers.GetValues("x-client-request-id").Single());
        Assert.Matches("^req_[0-9a-f]{32}$", response.Headers.GetValues("x-request-id").Single());
    }

    private static async Task<string> Content(HttpClient client, string json)
    {
        using var response = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Json(json));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
