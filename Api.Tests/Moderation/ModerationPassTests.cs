using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Moderations;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Moderation;

/// <summary>The pass every completion goes through: tier modes, the request's moderation field, flagged events.</summary>
[Collection(ApiTests.Name)]
public sealed class ModerationPassTests(ApiFixture api)
{
    private const string Threat = "I am going to kill you tomorrow";

    private static string Chat(string content, string extra = "") =>
        $$"""{"model":"tiny-synthetic","messages":[{"role":"user","content":"{{content}}"}],"max_tokens":4,"temperature":0{{extra}}}""";

    [Fact]
    public async Task Block_FlaggedChatInput_400ContentPolicyViolationNamingCategoriesAndRecorded()
    {
        var key = await ModerationKey.CreateAsync(api, "block");

        var (status, body) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat(Threat));

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "content_policy_violation", "messages");
        Assert.Contains("harassment/threatening", body.GetProperty("error").Str("message"), StringComparison.Ordinal);
        var events = await EventsAsync($"project_id={key.ProjectId}");
        var recorded = Assert.Single(events);
        Assert.Equal("blocked", recorded.Str("action"));
        Assert.Equal("input", recorded.Str("source"));
        Assert.Equal(key.KeyId, recorded.Str("api_key_id"));
        Assert.Equal(Threat, recorded.Str("excerpt"));
        Assert.StartsWith("req_", recorded.Str("request_id"), StringComparison.Ordinal);
        Assert.Contains("harassment/threatening", recorded.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.True(recorded.GetProperty("category_scores").GetProperty("violence").GetDouble() > 0.5);
    }

    [Fact]
    public async Task Block_FlaggedLegacyPrompt_400BeforeAnyEngineWork()
    {
        var key = await ModerationKey.CreateAsync(api, "block");

        var (status, body) = await api.SendAsync(key.Secret, "POST", "/v1/completions", """{"model":"tiny-synthetic","prompt":["hello","how to build a bomb"],"max_tokens":4}""");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "content_policy_violation", "prompt");
    }

    [Fact]
    public async Task Block_RefusedRequests_GiveBackTheirTokenReservation()
    {
        // Each request reserves prompt + 450 tokens of a 600 TPM tier: a reservation that leaked would refuse the next one.
        var key = await ModerationKey.CreateAsync(api, "block", tokensPerMinute: 600);

        for (var i = 0; i < 4; i++)
        {
            var (status, body) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat(Threat, ",\"max_tokens\":450").Replace("\"max_tokens\":4,", "", StringComparison.Ordinal));
            Assert.True(status == 400, $"request {i}: {status} {body}");
        }

        var (ok, served) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat("Tell me about gardens", ",\"max_tokens\":450").Replace("\"max_tokens\":4,", "", StringComparison.Ordinal));
        Assert.True(ok == 200, $"{ok} {served}");
    }

    [Fact]
    public async Task RequestField_UnknownModerationModel_404AndTheTokenReservationGivenBack()
    {
        // Each request reserves prompt + 450 tokens of a 600 TPM tier: a reservation that leaked would refuse the next one.
        var key = await ModerationKey.CreateAsync(api, "flag", tokensPerMinute: 600);
        const string unknown = ",\"max_tokens\":450,\"moderation\":{\"model\":\"text-moderation-9000\"}";

        for (var i = 0; i < 4; i++)
        {
            var (status, body) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat("Tell me about gardens", unknown).Replace("\"max_tokens\":4,", "", StringComparison.Ordinal));
            Assert.True(status == 404, $"request {i}: {status} {body}");
            ApiCalls.AssertError(body, "model_not_found", "moderation.model");
        }

        var (ok, served) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat("Tell me about gardens", ",\"max_tokens\":450").Replace("\"max_tokens\":4,", "", StringComparison.Ordinal));
        Assert.True(ok == 200, $"{ok} {served}");
    }

    [Fact]
    public async Task Flag_FlaggedInput_ServedAndRecorded()
    {
        var key = await ModerationKey.CreateAsync(api, "flag");

        var (status, body) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat(Threat));

        Assert.Equal(200, status);
        Assert.False(body.TryGetProperty("moderation", out _));
        var recorded = Assert.Single(await EventsAsync($"project_id={key.ProjectId}"));
        Assert.Equal("flagged", recorded.Str("action"));
    }

    [Fact]
    public async Task Off_FlaggedInput_ServedAndNotRecorded()
    {
        var key = await ModerationKey.CreateAsync(api, "off");

        var (status, _) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat(Threat));
        var (legacy, _) = await api.SendAsync(key.Secret, "POST", "/v1/completions", $$"""{"model":"tiny-synthetic","prompt":"{{Threat}}","max_tokens":2}""");

        Assert.Equal(200, status);
        Assert.Equal(200, legacy);
        await api.Services.GetRequiredService<ModerationEventWriter>().FlushAsync(CancellationToken.None);
        Assert.Empty(await EventsAsync($"project_id={key.ProjectId}"));
    }

    [Fact]
    public async Task RequestField_BlockOnAFlagTier_Refused_ScoreOnABlockTier_StillRefused()
    {
        var flag = await ModerationKey.CreateAsync(api, "flag");
        var block = await ModerationKey.CreateAsync(api, "block");
        const string AskBlock = ""","moderation":{"model":"omni-moderation-latest","policy":{"input":{"mode":"block"}}}""";
        const string AskScore = ""","moderation":{"model":"omni-moderation-latest","policy":{"input":{"mode":"score"},"output":{"mode":"score"}}}""";

        var (stricter, _) = await api.SendAsync(flag.Secret, "POST", "/v1/chat/completions", Chat(Threat, AskBlock));
        var (looser, _) = await api.SendAsync(block.Secret, "POST", "/v1/chat/completions", Chat(Threat, AskScore));

        Assert.Equal(400, stricter);
        Assert.Equal(400, looser);
    }

    [Fact]
    public async Task RequestField_Score_ResponseCarriesModerationResultsInTheOfficialShape()
    {
        var key = await ModerationKey.CreateAsync(api, "flag");
        var body = Chat(Threat, ""","n":2,"moderation":{"model":"omni-moderation-latest","policy":{"input":{"mode":"score"}}}""")
            .Replace("\"content\":\"" + Threat + "\"}", "\"content\":\"" + Threat + "\"},{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"and then?\"}", StringComparison.Ordinal);

        var (status, response) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", body);

        Assert.Equal(200, status);
        Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionResponse", response.GetRawText()));
        var moderation = response.GetProperty("moderation");
        Assert.Empty(OpenAiSchemas.Official.Validate("ChatCompletionModeration", moderation.GetRawText()));
        var input = moderation.GetProperty("input");
        Assert.Equal("moderation_results", input.Str("type"));
        Assert.Equal("platform-rules-1", input.Str("model"));
        var results = input.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.True(results[0].GetProperty("flagged").GetBoolean());
        Assert.False(results[2].GetProperty("flagged").GetBoolean());
        Assert.Equal("moderation_result", results[0].Str("type"));
        Assert.Equal(2, moderation.GetProperty("output").GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task RequestField_Streamed_LastChunkBeforeDoneCarriesModeration()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = new StringContent(Chat("Tell me about gardens", ""","stream":true,"moderation":{"model":"omni-moderation-latest"}"""), Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await SseReader.ReadDataAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events.SkipLast(1), e => Assert.Empty(OpenAiSchemas.Official.Validate("CreateChatCompletionStreamResponse", e)));
        var chunks = SseReader.Json(events);
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.False(last.GetProperty("moderation").GetProperty("input").GetProperty("results")[0].GetProperty("flagged").GetBoolean());
        Assert.Equal(1, last.GetProperty("moderation").GetProperty("output").GetProperty("results").GetArrayLength());
        Assert.All(chunks.SkipLast(1), c => Assert.False(c.TryGetProperty("moderation", out _)));
    }

    [Theory]
    [InlineData(""","moderation":"yes" """, "moderation", "invalid_type")]
    [InlineData(""","moderation":{} """, "moderation.model", "missing_required_parameter")]
    [InlineData(""","moderation":{"model":"nope"} """, "moderation.model", "model_not_found")]
    [InlineData(""","moderation":{"model":"omni-moderation-latest","policy":{"input":{"mode":"loud"}}} """, "moderation.policy.input.mode", "invalid_value")]
    [InlineData(""","moderation":{"model":"omni-moderation-latest","policy":{"output":{}}} """, "moderation.policy.output.mode", "missing_required_parameter")]
    public async Task RequestField_Bad_OpenAiError(string extra, string param, string code)
    {
        var (status, body) = await api.SendAsync(api.InferenceKey, "POST", "/v1/chat/completions", Chat("hello", extra.TrimEnd()));

        Assert.Equal(code == "model_not_found" ? 404 : 400, status);
        ApiCalls.AssertError(body, code, param);
    }

    [Fact]
    public async Task Events_FilteredByKeyCategoryAndTime_PagedWithAfter()
    {
        var key = await ModerationKey.CreateAsync(api, "flag");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat(Threat));
        await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat("send nudes tonight"));
        await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat("how do I shoplift without getting caught"));

        var all = await EventsAsync($"api_key_id={key.KeyId}");
        var sexual = await EventsAsync($"api_key_id={key.KeyId}&category=sexual");
        var inRange = await EventsAsync($"project_id={key.ProjectId}&start_time={before}&end_time={before + 3600}");
        var later = await EventsAsync($"project_id={key.ProjectId}&start_time={before + 3600}");
        var page = await api.AdminOkAsync("GET", $"/admin/moderation/events?api_key_id={key.KeyId}&limit=2");
        var next = await api.AdminOkAsync("GET", $"/admin/moderation/events?api_key_id={key.KeyId}&limit=2&after={page.Str("last_id")}");

        Assert.Equal(3, all.Count);
        Assert.Equal("send nudes tonight", Assert.Single(sexual).Str("excerpt"));
        Assert.Equal(3, inRange.Count);
        Assert.Empty(later);
        Assert.True(page.GetProperty("has_more").GetBoolean());
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
        Assert.False(next.GetProperty("has_more").GetBoolean());
        Assert.Equal(all[2].Str("id"), Assert.Single(next.GetProperty("data").EnumerateArray()).Str("id"));
        Assert.Equal("moderation.event", all[0].Str("object"));
    }

    [Theory]
    [InlineData("category=violent", "category")]
    [InlineData("project_id=org_1", "project_id")]
    [InlineData("start_time=yesterday", "start_time")]
    public async Task Events_BadFilter_400(string query, string param)
    {
        var (status, body) = await api.AdminAsync("GET", $"/admin/moderation/events?{query}");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_value", param);
    }

    [Fact]
    public async Task Tiers_ModerationMode_SeededShownAndEditable()
    {
        var tiers = (await api.AdminOkAsync("GET", "/admin/tiers?limit=100")).GetProperty("data").EnumerateArray().ToDictionary(t => t.Str("name"), t => t);
        var key = await ModerationKey.CreateAsync(api, "off");

        var updated = await api.AdminOkAsync("POST", $"/admin/tiers/{key.TierId}", """{"moderation_mode":"block"}""");
        var (bad, error) = await api.AdminAsync("POST", $"/admin/tiers/{key.TierId}", """{"moderation_mode":"strict"}""");
        var (status, _) = await api.SendAsync(key.Secret, "POST", "/v1/chat/completions", Chat(Threat));

        Assert.Equal("block", tiers["free"].Str("moderation_mode"));
        Assert.Equal("block", tiers["tier-1"].Str("moderation_mode"));
        Assert.Equal("flag", tiers["tier-5"].Str("moderation_mode"));
        Assert.Equal("block", updated.Str("moderation_mode"));
        Assert.Equal(400, bad);
        ApiCalls.AssertError(error, "invalid_value", "moderation_mode");
        Assert.Equal(400, status);
    }

    private async Task<List<JsonElement>> EventsAsync(string query)
    {
        await api.Services.GetRequiredService<ModerationEventWriter>().FlushAsync(CancellationToken.None);
        var list = await api.AdminOkAsync("GET", $"/admin/moderation/events?{query}&limit=100");
        return [.. list.GetProperty("data").EnumerateArray()];
    }
}
