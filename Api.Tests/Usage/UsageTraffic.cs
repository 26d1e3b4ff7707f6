using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Usage;

/// <summary>What one request of the test traffic was, and the usage the response reported.</summary>
internal sealed record SentRequest(TestKey? Key, string Model, int Status, int PromptTokens, int CompletionTokens, int CachedTokens = 0);

/// <summary>Sends completions as a client would and reads the usage the response reports (streamed ones ask for the usage chunk).</summary>
internal static class UsageTraffic
{
    public static async Task<SentRequest> CompleteAsync(ApiFixture api, TestKey? key, string secret, string model, bool chat, bool stream, int maxTokens, string text)
    {
        using var client = api.CreateClient(secret);
        var body = chat
            ? JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = model,
                ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = text } },
                ["max_tokens"] = maxTokens,
                ["stream"] = stream,
                ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
            })
            : JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = model,
                ["prompt"] = text,
                ["max_tokens"] = maxTokens,
                ["stream"] = stream,
                ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
            });
        if (!stream)
        {
            body = body.Replace(",\"stream_options\":{\"include_usage\":true}", "", StringComparison.Ordinal);
        }

        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri(chat ? "v1/chat/completions" : "v1/completions", UriKind.Relative), content);
        var status = (int)response.StatusCode;
        if (status != 200)
        {
            return new SentRequest(key, model, status, 0, 0);
        }

        JsonElement usage;
        if (stream)
        {
            var chunks = SseReader.Json(await SseReader.ReadDataAsync(response));
            usage = chunks.Last().GetProperty("usage");
        }
        else
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            usage = document.RootElement.GetProperty("usage").Clone();
        }

        return new SentRequest(
            key,
            model,
            status,
            usage.GetProperty("prompt_tokens").GetInt32(),
            usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }
}
