using System.Net;
using System.Text;
using System.Text.Json;
using Json.Schema;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Chat;

/// <summary>Tools and structured outputs over HTTP: response shapes against the official schemas, streams, and 400s naming the parameter.</summary>
[Collection(ApiTests.Name)]
public sealed class ToolsAndStructuredOutputTests(ApiFixture api)
{
    private const string WeatherTool = """
        {"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false},"strict":true}}
        """;

    private const string SearchTool = """
        {"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"}},"required":["query"]}}}
        """;

    private const string Schema = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"maxItems":3},"pet":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/pet"}]}},"required":["name","age","tags","pet"],"additionalProperties":false,
         "$defs":{"pet":{"type":"object","properties":{"kind":{"const":"cat"},"legs":{"type":"number"}},"required":["kind","legs"],"additionalProperties":false}}}
        """;

    [Theory]
    [InlineData(ApiFixture.Llama)]
    [InlineData(ApiFixture.Synthetic)]
    public async Task JsonSchema_AnyModel_OutputValidatesAndStops(string model)
    {
        var (status, body) = await PostAsync($$$"""
            {"model":"{{{model}}}","messages":[{"role":"user","content":"A person"}],"max_tokens":200,"temperature":1,"seed":7,
             "response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{{{Schema}}} } }}
            """);

        Assert.True(status == 200, body.GetRawText());
        Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionResponse", body.GetRawText()));
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.Str("finish_reason"));
        using var output = JsonDocument.Parse(choice.GetProperty("message").Str("content"));
        Assert.True(JsonSchema.FromText(Schema).Evaluate(output.RootElement).IsValid, output.RootElement.GetRawText());
    }

    [Fact]
    public async Task JsonObject_Greedy_GivesAnObject()
    {
        var (status, body) = await PostAsync($$$"""
            {"model":"{{{ApiFixture.Llama}}}","messages":[{"role":"user","content":"JSON please"}],"max_tokens":60,"temperature":0,"response_format":{"type":"json_object"}}
            """);

        Assert.True(status == 200, body.GetRawText());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.Str("finish_reason"));
        using var output = JsonDocument.Parse(choice.GetProperty("message").Str("content"));
        Assert.Equal(JsonValueKind.Object, output.RootElement.ValueKind);
    }

    [Fact]
    public async Task ToolChoiceRequired_BuiltInStyleModel_ReturnsValidToolCalls()
    {
        var (status, body) = await PostAsync($$$"""
            {"model":"{{{ApiFixture.Synthetic}}}","messages":[{"role":"user","content":"Weather in Paris?"}],"tools":[{{{WeatherTool}}},{{{SearchTool}}}],
             "tool_choice":"required","parallel_tool_calls":false,"max_tokens":120,"temperature":1,"seed":3}
            """);

        Assert.True(status == 200, body.GetRawText());
        Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionResponse", body.GetRawText()));
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.Str("finish_reason"));
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("call_", call.Str("id"), StringComparison.Ordinal);
        Assert.Equal("function", call.Str("type"));
        var name = call.GetProperty("function").Str("name");
        Assert.True(name is "get_weather" or "search", name);
        using var arguments = JsonDocument.Parse(call.GetProperty("function").Str("arguments"));
        var parameters = name == "get_weather" ? WeatherTool : SearchTool;
        using var tool = JsonDocument.Parse(parameters);
        Assert.True(JsonSchema.FromText(tool.RootElement.GetProperty("function").GetProperty("parameters").GetRawText()).Evaluate(arguments.RootElement).IsValid);
    }

    [Fact]
    public async Task NamedFunction_Streamed_NameFirstThenArgumentsTokenByToken()
    {
        const string Body = $$$"""
            "model":"{{{ApiFixture.Synthetic}}}","messages":[{"role":"user","content":"Find docs"}],"tools":[{{{WeatherTool}}},{{{SearchTool}}}],
             "tool_choice":{"type":"function","function":{"name":"search"}},"max_tokens":100,"temperature":0
            """;
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = new StringContent($"{{{Body},\"stream\":true}}", Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await SseReader.ReadDataAsync(response);
        var (_, whole) = await PostAsync($"{{{Body}}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(events.SkipLast(1), e => Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionStreamResponse", e)));
        var deltas = SseReader.Json(events).Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.DoesNotContain(deltas, d => d.GetProperty("delta").TryGetProperty("content", out var c) && c.GetString()!.Contains("tool_call", StringComparison.Ordinal));
        var fragments = deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal("search", fragments[0].GetProperty("function").Str("name"));
        Assert.StartsWith("call_", fragments[0].Str("id"), StringComparison.Ordinal);
        Assert.All(fragments, f => Assert.Equal(0, f.GetProperty("index").GetInt32()));
        Assert.All(fragments.Skip(1), f => Assert.False(f.TryGetProperty("id", out _)));

        // The arguments arrive as the model writes them, one fragment per generated chunk, not in one piece at the end.
        var argumentFragments = fragments.Skip(1).Select(f => f.GetProperty("function").Str("arguments")).ToList();
        Assert.True(argumentFragments.Count > 2, $"{argumentFragments.Count} argument fragments");
        var streamed = string.Concat(argumentFragments);
        using var arguments = JsonDocument.Parse(streamed);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("query").ValueKind);
        Assert.Equal(whole.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").Str("arguments"), streamed);
        Assert.Equal("tool_calls", deltas.Last(d => d.GetProperty("finish_reason").ValueKind == JsonValueKind.String).Str("finish_reason"));
    }

    [Fact]
    public async Task AutoAndNone_NeverShowMarkup()
    {
        foreach (var choice in new[] { "auto", "none" })
        {
            var (status, body) = await PostAsync($$$"""
                {"model":"{{{ApiFixture.Synthetic}}}","messages":[{"role":"user","content":"Hi"}],"tools":[{{{WeatherTool}}}],"tool_choice":"{{{choice}}}","max_tokens":40,"temperature":1,"seed":11}
                """);

            Assert.True(status == 200, body.GetRawText());
            Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionResponse", body.GetRawText()));
            var message = body.GetProperty("choices")[0].GetProperty("message");
            Assert.DoesNotContain("<tool_call>", message.GetProperty("content").GetString() ?? string.Empty, StringComparison.Ordinal);
            if (choice == "none")
            {
                Assert.False(message.TryGetProperty("tool_calls", out _));
            }
        }
    }

    [Fact]
    public async Task History_ToolCallsAndToolMessages_AreAccepted()
    {
        var (status, body) = await PostAsync($$$"""
            {"model":"{{{ApiFixture.Synthetic}}}","tools":[{{{WeatherTool}}}],"max_tokens":5,"messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lima\",\"unit\":\"celsius\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18"}]}
            """);

        Assert.True(status == 200, body.GetRawText());
    }

    [Theory]
    [InlineData("""{"tools":[TOOL],"tool_choice":{"type":"function","function":{"name":"nope"}}}""", "tool_choice")]
    [InlineData("""{"tools":[TOOL,TOOL]}""", "tools[1].function.name")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"string","pattern":"a+"}}}]}""", "tools[0].function.parameters")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""", "tools[0].function.parameters")]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","oneOf":[]}}}}""", "response_format.json_schema.schema")]
    [InlineData("""{"response_format":{"type":"yaml"}}""", "response_format.type")]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}},"max_tokens":3}""", "max_tokens")]
    [InlineData("""{"tool_choice":"required"}""", "tool_choice")]
    public async Task BadToolsOrFormats_Get400NamingTheParameter(string fields, string param)
    {
        var extra = fields.Replace("TOOL", WeatherTool.Trim(), StringComparison.Ordinal);
        var json = $$$"""{"model":"{{{ApiFixture.Synthetic}}}","messages":[{"role":"user","content":"Hi"}],""" + extra[1..];

        var (status, body) = await PostAsync(json);

        Assert.Equal(400, status);
        Assert.Equal(param, body.GetProperty("error").Str("param"));
    }

    [Fact]
    public async Task Tools_ModelWithoutToolFormat_Get400SayingSo()
    {
        var (status, body) = await PostAsync($$$"""{"model":"{{{ApiFixture.Llama}}}","messages":[{"role":"user","content":"Hi"}],"tools":[{{{WeatherTool}}}]}""");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "tools_not_supported", "tools");
    }

    [Fact]
    public async Task UnsupportedKeyword_MessageNamesIt()
    {
        var (status, body) = await PostAsync($$$"""
            {"model":"{{{ApiFixture.Synthetic}}}","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string","format":"email"}} }} }}
            """);

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_schema", "response_format.json_schema.schema");
        Assert.Contains("'format'", body.GetProperty("error").Str("message"), StringComparison.Ordinal);
    }

    private async Task<(int Status, JsonElement Body)> PostAsync(string json)
    {
        using var client = api.CreateClient();
        var (status, text) = await client.SendJsonAsync("POST", "/v1/chat/completions", json);
        using var document = JsonDocument.Parse(text);
        return (status, document.RootElement.Clone());
    }
}
