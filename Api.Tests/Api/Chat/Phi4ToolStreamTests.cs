using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Chat;

/// <summary>
/// Streamed tool calls in the Phi-4 syntax (<c>&lt;|tool_call|&gt;[...]&lt;|/tool_call|&gt;</c>, set by
/// configuration), with parallel calls: every call gets its index, its id and name first, then its arguments as
/// they are generated; the chunks validate against the official schema; no markup is content; and each call's
/// fragments join into the arguments the same request returns unstreamed.
/// </summary>
public sealed class Phi4ToolStreamTests : IAsyncLifetime
{
    private const string Tools = """
        [{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"term":{"type":"string"},"page":{"type":"integer"}},"required":["term","page"],"additionalProperties":false},"strict":true}},
         {"type":"function","function":{"name":"note","parameters":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false},"strict":true}}]
        """;

    private SmallAppHost? _host;

    public async Task InitializeAsync() => _host = await SmallAppHost.StartAsync(new Dictionary<string, string> { ["Api:ToolCallFormats:tiny-synthetic"] = "phi4" }, contextLength: 2048);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task RequiredParallel_Streamed_EachCallTokenByTokenAndEqualToWhole()
    {
        var host = _host!;
        using var client = host.Client(await host.NewKeyAsync(10));

        // Seeded sampling is repeatable, so a seed gives the same calls streamed and whole; look for one that writes two.
        for (var seed = 1; seed <= 12; seed++)
        {
            var body = $$"""
                "model":"{{SmallAppHost.Model}}","messages":[{"role":"user","content":"Look it up and take a note"}],"tools":{{Tools}},
                 "tool_choice":"required","parallel_tool_calls":true,"max_tokens":160,"temperature":1,"seed":{{seed}}
                """;
            var (status, text) = await client.SendJsonAsync("POST", "/v1/chat/completions", $"{{{body}}}");
            Assert.True(status == 200, text);
            using var whole = JsonDocument.Parse(text);
            var wholeCalls = whole.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray().ToList();
            if (wholeCalls.Count < 2)
            {
                continue;
            }

            var events = await StreamAsync(client, $"{{{body},\"stream\":true}}");
            Assert.All(events.SkipLast(1), e => Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionStreamResponse", e)));
            var deltas = SseReader.Json(events).Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0]).ToList();
            Assert.DoesNotContain(deltas, d => d.GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Contains("tool_call", StringComparison.Ordinal));
            var fragments = deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
            Assert.Equal(Enumerable.Range(0, wholeCalls.Count), fragments.Select(f => f.GetProperty("index").GetInt32()).Distinct());
            for (var index = 0; index < wholeCalls.Count; index++)
            {
                var own = fragments.Where(f => f.GetProperty("index").GetInt32() == index).ToList();
                Assert.StartsWith("call_", own[0].Str("id"), StringComparison.Ordinal);
                Assert.Equal(wholeCalls[index].GetProperty("function").Str("name"), own[0].GetProperty("function").Str("name"));
                Assert.All(own.Skip(1), f => Assert.False(f.TryGetProperty("id", out _)));
                Assert.True(own.Count > 3, $"call {index}: {own.Count} fragments");
                Assert.Equal(wholeCalls[index].GetProperty("function").Str("arguments"), string.Concat(own.Select(f => f.GetProperty("function").Str("arguments"))));
            }

            Assert.Equal("tool_calls", deltas.Last(d => d.GetProperty("finish_reason").ValueKind == JsonValueKind.String).Str("finish_reason"));
            return;
        }

        Assert.Fail("no seed from 1 to 12 gave two parallel calls");
    }

    private static async Task<List<string>> StreamAsync(HttpClient client, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await SseReader.ReadDataAsync(response);
    }
}
