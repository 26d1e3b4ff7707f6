using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Api.Tests.Api.Lifecycle;

/// <summary>How one streamed completion ended, as its client saw it.</summary>
internal sealed record StreamOutcome(int Status, int DataEvents, bool Done, string? ErrorCode, string? Failure)
{
    /// <summary>A whole stream: 200, data, <c>[DONE]</c>, no error event, no broken connection.</summary>
    public bool Complete => Status == 200 && Done && ErrorCode is null && Failure is null;

    /// <summary>
    /// Sends <paramref name="body"/> and reads the events to the end; <paramref name="started"/> completes at the first
    /// data event (or at the end, whatever it was).
    /// </summary>
    public static async Task<StreamOutcome> ReadAsync(HttpClient client, string path, string body, TaskCompletionSource? started = null)
    {
        int status = 0, events = 0;
        var done = false;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
            {
                Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            status = (int)response.StatusCode;
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line["data: ".Length..];
                if (data == "[DONE]")
                {
                    done = true;
                    continue;
                }

                events++;
                started?.TrySetResult();
                using var json = JsonDocument.Parse(data);
                if (json.RootElement.TryGetProperty("error", out var e))
                {
                    error = e.GetProperty("code").GetString() ?? "(null)";
                }
            }

            return new StreamOutcome(status, events, done, error, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamOutcome(status, events, done, error, ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            started?.TrySetResult();
        }
    }
}
