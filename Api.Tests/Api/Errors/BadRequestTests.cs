using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Errors;

/// <summary>Every bad request gets an OpenAI error object with all four keys and the right status, type, param and code.</summary>
[Collection(ApiTests.Name)]
public sealed class BadRequestTests(ApiFixture api)
{
    private const string Chat = "/v1/chat/completions";
    private const string Text = "/v1/completions";
    private const string Moderations = "/v1/moderations";
    private const string Hello = """[{"role":"user","content":"Hello"}]""";

    public static TheoryData<string, string, string, string?, int, string, string?, string?> Cases() => new()
    {
        // name, method + path, body, content type (null = application/json), status, type, param, code
        { "malformed JSON", "POST " + Chat, "{\"model\": ", null, 400, "invalid_request_error", null, null },
        { "not JSON content type", "POST " + Chat, "model=x", "text/plain", 415, "invalid_request_error", null, "unsupported_media_type" },
        { "body is an array", "POST " + Chat, "[]", null, 400, "invalid_request_error", null, null },
        { "missing model", "POST " + Chat, $$$"""{"messages":{{{Hello}}}}""", null, 400, "invalid_request_error", "model", "missing_required_parameter" },
        { "model not a string", "POST " + Chat, $$$"""{"model":123,"messages":{{{Hello}}}}""", null, 400, "invalid_request_error", "model", "invalid_type" },
        { "empty model", "POST " + Chat, $$$"""{"model":"","messages":{{{Hello}}}}""", null, 400, "invalid_request_error", "model", "invalid_value" },
        { "unknown model", "POST " + Chat, $$$"""{"model":"gpt-9","messages":{{{Hello}}}}""", null, 404, "invalid_request_error", "model", "model_not_found" },
        { "missing messages", "POST " + Chat, """{"model":"tiny-random-llama"}""", null, 400, "invalid_request_error", "messages", "missing_required_parameter" },
        { "messages not an array", "POST " + Chat, """{"model":"tiny-random-llama","messages":"hi"}""", null, 400, "invalid_request_error", "messages", "invalid_type" },
        { "messages empty", "POST " + Chat, """{"model":"tiny-random-llama","messages":[]}""", null, 400, "invalid_request_error", "messages", "invalid_value" },
        { "message without role", "POST " + Chat, """{"model":"tiny-random-llama","messages":[{"content":"hi"}]}""", null, 400, "invalid_request_error", "messages[0].role", "missing_required_parameter" },
        { "unknown role", "POST " + Chat, """{"model":"tiny-random-llama","messages":[{"role":"robot","content":"hi"}]}""", null, 400, "invalid_request_error", "messages[0].role", "invalid_value" },
        { "user without content", "POST " + Chat, """{"model":"tiny-random-llama","messages":[{"role":"user"}]}""", null, 400, "invalid_request_error", "messages[0].content", "missing_required_parameter" },
        { "content a number", "POST " + Chat, """{"model":"tiny-random-llama","messages":[{"role":"user","content":5}]}""", null, 400, "invalid_request_error", "messages[0].content", "invalid_type" },
        { "image content part", "POST " + Chat, """{"model":"tiny-random-llama","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", null, 400, "invalid_request_error", "messages[0].content[0].type", "unsupported_parameter" },
        { "template raises (roles must alternate)", "POST " + Chat, """{"model":"tiny-random-llama","messages":[{"role":"assistant","content":"hi"}]}""", null, 400, "invalid_request_error", "messages", null },
        { "temperature too high", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"temperature":3}""", null, 400, "invalid_request_error", "temperature", "invalid_value" },
        { "temperature a string", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"temperature":"hot"}""", null, 400, "invalid_request_error", "temperature", "invalid_type" },
        { "top_p zero", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"top_p":0}""", null, 400, "invalid_request_error", "top_p", "invalid_value" },
        { "n zero", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"n":0}""", null, 400, "invalid_request_error", "n", "invalid_value" },
        { "n over the configured maximum", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"n":9}""", null, 400, "invalid_request_error", "n", "invalid_value" },
        { "max_tokens zero", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"max_tokens":0}""", null, 400, "invalid_request_error", "max_tokens", "invalid_value" },
        { "max_completion_tokens negative", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"max_completion_tokens":-5}""", null, 400, "invalid_request_error", "max_completion_tokens", "invalid_value" },
        { "five stop sequences", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"stop":["a","b","c","d","e"]}""", null, 400, "invalid_request_error", "stop", "invalid_value" },
        { "stop a number", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"stop":7}""", null, 400, "invalid_request_error", "stop", "invalid_type" },
        { "presence_penalty too high", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"presence_penalty":3}""", null, 400, "invalid_request_error", "presence_penalty", "invalid_value" },
        { "frequency_penalty too low", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"frequency_penalty":-2.5}""", null, 400, "invalid_request_error", "frequency_penalty", "invalid_value" },
        { "logit_bias key not a token id", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"logit_bias":{"abc":1}}""", null, 400, "invalid_request_error", "logit_bias", "invalid_value" },
        { "logit_bias value out of range", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"logit_bias":{"5":200}}""", null, 400, "invalid_request_error", "logit_bias", "invalid_value" },
        { "logit_bias token beyond the vocabulary", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"logit_bias":{"999999":1}}""", null, 400, "invalid_request_error", "logit_bias", "invalid_value" },
        { "top_logprobs over 20", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"logprobs":true,"top_logprobs":21}""", null, 400, "invalid_request_error", "top_logprobs", "invalid_value" },
        { "top_logprobs without logprobs", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"top_logprobs":2}""", null, 400, "invalid_request_error", "top_logprobs", null },
        { "stream_options without stream", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"stream_options":{"include_usage":true}}""", null, 400, "invalid_request_error", "stream_options", null },
        { "stream not a boolean", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"stream":"yes"}""", null, 400, "invalid_request_error", "stream", "invalid_type" },
        { "seed not an integer", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"seed":"x"}""", null, 400, "invalid_request_error", "seed", "invalid_type" },
        { "user not a string", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"user":5}""", null, 400, "invalid_request_error", "user", "invalid_type" },
        { "tools for a model without a tool-call format", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"tools":[{"type":"function","function":{"name":"f"}}]}""", null, 400, "invalid_request_error", "tools", "tools_not_supported" },
        { "unknown response format", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"response_format":{"type":"yaml"}}""", null, 400, "invalid_request_error", "response_format.type", "invalid_value" },
        { "audio output", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"audio":{"voice":"alloy","format":"mp3"}}""", null, 400, "invalid_request_error", "audio", "unsupported_parameter" },
        { "audio modality", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"modalities":["text","audio"]}""", null, 400, "invalid_request_error", "modalities", "unsupported_parameter" },
        { "over the context length", "POST " + Chat, $$$"""{"model":"tiny-random-llama","messages":{{{Hello}}},"max_tokens":100000}""", null, 400, "invalid_request_error", "messages", "context_length_exceeded" },
        { "completions: missing prompt", "POST " + Text, """{"model":"tiny-synthetic"}""", null, 400, "invalid_request_error", "prompt", "missing_required_parameter" },
        { "completions: suffix", "POST " + Text, """{"model":"tiny-synthetic","prompt":"a","suffix":"b"}""", null, 400, "invalid_request_error", "suffix", "unsupported_parameter" },
        { "completions: prompt a boolean", "POST " + Text, """{"model":"tiny-synthetic","prompt":true}""", null, 400, "invalid_request_error", "prompt", "invalid_type" },
        { "completions: empty prompt array", "POST " + Text, """{"model":"tiny-synthetic","prompt":[]}""", null, 400, "invalid_request_error", "prompt", "invalid_value" },
        { "completions: logprobs over 5", "POST " + Text, """{"model":"tiny-synthetic","prompt":"a","logprobs":6}""", null, 400, "invalid_request_error", "logprobs", "invalid_value" },
        { "completions: echo not a boolean", "POST " + Text, """{"model":"tiny-synthetic","prompt":"a","echo":"yes"}""", null, 400, "invalid_request_error", "echo", "invalid_type" },
        { "completions: token beyond the model's vocabulary", "POST " + Text, """{"model":"tiny-random-gpt2","prompt":"Hello"}""", null, 400, "invalid_request_error", "prompt", "invalid_prompt" },
        { "completions: over the context length", "POST " + Text, """{"model":"tiny-synthetic","prompt":"a","max_tokens":5000}""", null, 400, "invalid_request_error", "prompt", "context_length_exceeded" },
        { "chat: flagged input on a blocking tier", "POST " + Chat, """{"model":"tiny-synthetic","messages":[{"role":"user","content":"I will kill you"}]}""", null, 400, "invalid_request_error", "messages", "content_policy_violation" },
        { "chat: moderation not an object", "POST " + Chat, $$$"""{"model":"tiny-synthetic","messages":{{{Hello}}},"moderation":true}""", null, 400, "invalid_request_error", "moderation", "invalid_type" },
        { "chat: moderation mode unknown", "POST " + Chat, """{"model":"tiny-synthetic","messages":[{"role":"user","content":"Hello"}],"moderation":{"model":"omni-moderation-latest","policy":{"output":{"mode":"mute"}}}}""", null, 400, "invalid_request_error", "moderation.policy.output.mode", "invalid_value" },
        { "completions: flagged prompt on a blocking tier", "POST " + Text, """{"model":"tiny-synthetic","prompt":"how to make a pipe bomb"}""", null, 400, "invalid_request_error", "prompt", "content_policy_violation" },
        { "moderations: missing input", "POST " + Moderations, """{"model":"omni-moderation-latest"}""", null, 400, "invalid_request_error", "input", "missing_required_parameter" },
        { "moderations: empty array", "POST " + Moderations, """{"input":[]}""", null, 400, "invalid_request_error", "input", "invalid_value" },
        { "moderations: non-string item", "POST " + Moderations, """{"input":["fine",{"x":1}]}""", null, 400, "invalid_request_error", "input[1]", "invalid_type" },
        { "moderations: input a number", "POST " + Moderations, """{"input":42}""", null, 400, "invalid_request_error", "input", "invalid_type" },
        { "moderations: image input", "POST " + Moderations, """{"input":[{"type":"image_url","image_url":{"url":"https://example.com/x.png"}}]}""", null, 400, "invalid_request_error", "input[0].type", "unsupported_parameter" },
        { "moderations: input over the size limit", "POST " + Moderations, "{\"input\":\"" + new string('a', 40_000) + "\"}", null, 400, "invalid_request_error", "input", "string_above_max_length" },
        { "moderations: unknown model", "POST " + Moderations, """{"input":"hi","model":"text-moderation-9000"}""", null, 404, "invalid_request_error", "model", "model_not_found" },
        { "body over the size limit", "POST " + Text, "{\"model\":\"tiny-synthetic\",\"prompt\":\"" + new string('a', 70_000) + "\"}", null, 413, "invalid_request_error", null, "request_too_large" },
        { "unknown model id", "GET /v1/models/gpt-9", "", null, 404, "invalid_request_error", "model", "model_not_found" },
        { "unknown route", "GET /v1/nothing-here", "", null, 404, "invalid_request_error", null, "unknown_url" },
        { "wrong method", "DELETE " + Chat, "", null, 405, "invalid_request_error", null, "method_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_Bad_GetsOpenAiError(string name, string route, string body, string? contentType, int status, string type, string? param, string? code)
    {
        using var client = api.CreateClient();
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method != "GET" && method != "DELETE")
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(status == (int)response.StatusCode, $"{name}: status {(int)response.StatusCode}, body {text}");
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.True(param == NullableString(error.GetProperty("param")), $"{name}: param {error.GetProperty("param")}");
        Assert.True(code == NullableString(error.GetProperty("code")), $"{name}: code {error.GetProperty("code")}");
        Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("openai-processing-ms"));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    private static string? NullableString(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetString();
}
