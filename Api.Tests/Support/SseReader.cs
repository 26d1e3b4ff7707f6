using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>Reads a server-sent-events body into its <c>data:</c> payloads, as the OpenAI SDKs do.</summary>
internal static class SseReader
{
    public static async Task<List<string>> ReadDataAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
        }

        return events;
    }

    public static List<JsonElement> Json(IEnumerable<string> events) =>
        [.. events.Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement.Clone())];
}
