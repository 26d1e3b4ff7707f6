using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Usage;

/// <summary>What one request's usage event holds: failures, unauthenticated calls, cancelled streams, duplicate client ids.</summary>
[Collection(ApiTests.Name)]
public sealed class UsageCaptureTests(ApiFixture api)
{
    private NpgsqlDataSource Data => api.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task Capture_Unauthenticated_RecordedWithStatusAndNoKey()
    {
        var id = ApiCalls.Unique("capture-401");
        using var client = api.CreateClient("sk-wrong-wrong-wrong-wrong-wrong-wrong");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("v1/models", UriKind.Relative));
        request.Headers.Add("X-Client-Request-Id", id);
        using var response = await client.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(10), $"client_request_id = '{id}' AND status_code = 401 AND organization_id IS NULL AND api_key_id IS NULL AND endpoint = '/v1/models'");
    }

    [Fact]
    public async Task Capture_SameClientRequestIdTwice_TwoEvents()
    {
        var id = ApiCalls.Unique("capture-dup");
        using var client = api.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("v1/models", UriKind.Relative));
            request.Headers.Add("X-Client-Request-Id", id);
            using var response = await client.SendAsync(request);
            Assert.Equal(id, response.Headers.GetValues("x-client-request-id").Single());
            Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
        }

        // Two events, each with its own server-made request id; the client's id is kept in its own column.
        await UsageEventsTable.WaitForCountAsync(Data, 2, TimeSpan.FromSeconds(10), $"client_request_id = '{id}' AND status_code = 200");
        await UsageEventsTable.WaitForCountAsync(Data, 0, TimeSpan.FromSeconds(10), $"request_id = '{id}'");
    }

    [Fact]
    public async Task Capture_Completion_RecordsModelTokensTimingsAndFinish()
    {
        var id = ApiCalls.Unique("capture-ok");
        var (status, body) = await SendAsync(id, $$"""{"model":"{{ApiFixture.Synthetic}}","prompt":"one two","max_tokens":5,"temperature":0}""");
        Assert.Equal(200, status);
        var usage = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("usage");

        var where = $"client_request_id = '{id}'";
        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(10), where);
        await using var command = Data.CreateCommand(
            $"SELECT model, endpoint, prompt_tokens, completion_tokens, time_to_first_token_us, duration_us, finish_reason, streamed, cancelled, project_id FROM usage_events WHERE {where}");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(ApiFixture.Synthetic, reader.GetString(0));
        Assert.Equal("/v1/completions", reader.GetString(1));
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), reader.GetInt32(2));
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), reader.GetInt32(3));
        Assert.InRange(reader.GetInt64(4), 1, reader.GetInt64(5));
        Assert.True(reader.GetString(6) is "stop" or "length");
        Assert.False(reader.GetBoolean(7));
        Assert.False(reader.GetBoolean(8));
        Assert.Equal(api.DefaultProjectId, reader.GetInt64(9));
    }

    [Fact]
    public async Task Capture_StreamCancelledByClient_BilledForTokensGenerated()
    {
        var id = ApiCalls.Unique("capture-cancel");
        // tiny-random-llama rarely ends on its own; no draining of the unread response on dispose, so the
        // connection closes as a client that goes away does.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.InferenceKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/completions", UriKind.Relative))
        {
            Content = Json($$"""{"model":"{{ApiFixture.Llama}}","prompt":"Go on forever","max_tokens":2000,"temperature":0,"stream":true}"""),
        };
        request.Headers.Add("X-Client-Request-Id", id);
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (var events = 0; events < 3 && await reader.ReadLineAsync() is { } line;)
            {
                events += line.StartsWith("data: ", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(20), $"client_request_id = '{id}'");
        await using var command = Data.CreateCommand($"SELECT cancelled, streamed, completion_tokens, status_code FROM usage_events WHERE client_request_id = '{id}'");
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        var recorded = $"cancelled {row.GetBoolean(0)}, streamed {row.GetBoolean(1)}, completion_tokens {row.GetInt32(2)}, status {row.GetInt16(3)}";
        Assert.True(row.GetBoolean(0) && row.GetBoolean(1) && row.GetInt32(2) is > 0 and < 2000 && row.GetInt16(3) == 200, recorded);
    }

    [Fact]
    public async Task Capture_UnknownModelAndBadBody_RecordedWithTheirStatus()
    {
        var missing = ApiCalls.Unique("capture-404");
        var bad = ApiCalls.Unique("capture-400");
        Assert.Equal(404, (await SendAsync(missing, """{"model":"no-such-model","prompt":"x"}""")).Status);
        Assert.Equal(400, (await SendAsync(bad, "{not json")).Status);

        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(10), $"client_request_id = '{missing}' AND status_code = 404 AND model = 'no-such-model' AND completion_tokens = 0");
        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(10), $"client_request_id = '{bad}' AND status_code = 400 AND model IS NULL");
    }

    [Fact]
    public async Task Capture_ModerationPass_RecordsWhetherTheInputWasFlagged()
    {
        // The fixture's key is on tier-1, which blocks flagged input: the refusal is still one event, marked flagged.
        var flagged = ApiCalls.Unique("capture-flagged");
        var clean = ApiCalls.Unique("capture-clean");
        Assert.Equal(400, (await SendAsync(flagged, $$"""{"model":"{{ApiFixture.Synthetic}}","prompt":"I will k1ll you","max_tokens":2}""")).Status);
        Assert.Equal(200, (await SendAsync(clean, $$"""{"model":"{{ApiFixture.Synthetic}}","prompt":"What a lovely garden","max_tokens":2}""")).Status);

        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(10), $"client_request_id = '{flagged}' AND status_code = 400 AND moderation_flagged");
        await UsageEventsTable.WaitForCountAsync(Data, 1, TimeSpan.FromSeconds(10), $"client_request_id = '{clean}' AND status_code = 200 AND NOT moderation_flagged");
    }

    [Fact]
    public async Task Readyz_ShowsTheMeteringPipeline()
    {
        using var client = api.CreateClient(null);
        var ready = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("readyz", UriKind.Relative))).RootElement;
        var metering = ready.GetProperty("metering");

        Assert.Equal("ok", metering.GetProperty("postgres").GetString());
        Assert.Equal(0, metering.GetProperty("spool_events").GetInt64());
        Assert.True(metering.GetProperty("lag_seconds").GetDouble() >= 0);
    }

    private async Task<(int Status, string Body)> SendAsync(string requestId, string json)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/completions", UriKind.Relative)) { Content = Json(json) };
        request.Headers.Add("X-Client-Request-Id", requestId);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Json(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
