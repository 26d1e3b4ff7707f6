using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>Small helpers for calling the API in tests: send JSON with a key, read status and body, check error objects.</summary>
internal static class ApiCalls
{
    public static async Task<(int Status, JsonElement Body)> SendAsync(this ApiFixture api, string? key, string method, string path, string? json = null)
    {
        using var client = api.CreateClient(key);
        var (status, text) = await client.SendJsonAsync(method, path, json);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (status, document.RootElement.Clone());
    }

    /// <summary>A JSON call on any host's client: the status and the body as text.</summary>
    public static async Task<(int Status, string Text)> SendJsonAsync(this HttpClient client, string method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path.TrimStart('/'), UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A JSON call on any host's client that must succeed; returns the body.</summary>
    public static async Task<JsonElement> OkJsonAsync(this HttpClient client, string method, string path, string? json = null)
    {
        var (status, text) = await client.SendJsonAsync(method, path, json);
        Assert.True(status is >= 200 and < 300, $"{method} {path}: {status} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<(int Status, JsonElement Body)> AdminAsync(this ApiFixture api, string method, string path, string? json = null) =>
        api.SendAsync(api.AdminKey, method, path, json);

    /// <summary>An admin call that must succeed; returns the body.</summary>
    public static async Task<JsonElement> AdminOkAsync(this ApiFixture api, string method, string path, string? json = null)
    {
        var (status, body) = await api.AdminAsync(method, path, json);
        Assert.True(status is 200 or 201, $"{method} {path}: {status} {body}");
        return body;
    }

    /// <summary>A call with <paramref name="key"/> to the cheapest /v1 endpoint.</summary>
    public static async Task<int> ListModelsStatusAsync(this ApiFixture api, string? key) => (await api.SendAsync(key, "GET", "/v1/models")).Status;

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static void AssertError(JsonElement body, string code, string? param = null)
    {
        var error = body.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal("invalid_request_error", error.Str("type"));
        Assert.Equal(code, error.Str("code"));
        Assert.Equal(param, error.GetProperty("param").ValueKind == JsonValueKind.Null ? null : error.Str("param"));
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
