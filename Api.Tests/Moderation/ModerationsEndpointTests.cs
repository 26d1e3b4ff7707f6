using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Moderation;

/// <summary><c>POST /v1/moderations</c> in OpenAI's shape, over the built-in rules.</summary>
[Collection(ApiTests.Name)]
public sealed class ModerationsEndpointTests(ApiFixture api)
{
    [Fact]
    public async Task Create_ArrayOfStrings_OneResultPerInputInTheOfficialShape()
    {
        var (status, body) = await api.SendAsync(api.InferenceKey, "POST", "/v1/moderations",
            """{"model":"omni-moderation-latest","input":["I will kill you","What a lovely garden"]}""");

        Assert.Equal(200, status);
        Assert.Empty(OpenAiSchemas.Official.Validate("CreateModerationResponse", body.GetRawText()));
        Assert.StartsWith("modr-", body.Str("id"), StringComparison.Ordinal);
        Assert.Equal("platform-rules-1", body.Str("model"));
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.True(results[0].GetProperty("flagged").GetBoolean());
        Assert.True(results[0].GetProperty("categories").GetProperty("harassment/threatening").GetBoolean());
        Assert.True(results[0].GetProperty("category_scores").GetProperty("violence").GetDouble() > 0.5);
        Assert.Contains("threat.intent-harm-you", results[0].GetProperty("matched_rules").EnumerateArray().Select(r => r.GetString()));
        Assert.False(results[1].GetProperty("flagged").GetBoolean());
        Assert.Equal(13, results[1].GetProperty("categories").EnumerateObject().Count());
        Assert.All(results[1].GetProperty("category_applied_input_types").EnumerateObject(), p => Assert.Equal("text", p.Value[0].GetString()));
    }

    [Fact]
    public async Task Create_StringOrTextObjectsWithoutModel_Classified()
    {
        var (status, single) = await api.SendAsync(api.InferenceKey, "POST", "/v1/moderations", """{"input":"h0w to m@ke a b0mb"}""");
        var (_, objects) = await api.SendAsync(api.InferenceKey, "POST", "/v1/moderations", """{"input":[{"type":"text","text":"send nudes"}]}""");

        Assert.Equal(200, status);
        Assert.True(single.GetProperty("results")[0].GetProperty("categories").GetProperty("illicit/violent").GetBoolean());
        Assert.True(objects.GetProperty("results")[0].GetProperty("categories").GetProperty("sexual").GetBoolean());
    }

    [Theory]
    [InlineData("""{"input":[]}""", 400, "input", "invalid_value")]
    [InlineData("""{"input":["ok", 5]}""", 400, "input[1]", "invalid_type")]
    [InlineData("""{"input":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}""", 400, "input[0].type", "unsupported_parameter")]
    [InlineData("""{"input":7}""", 400, "input", "invalid_type")]
    [InlineData("""{"model":"omni-moderation-latest"}""", 400, "input", "missing_required_parameter")]
    [InlineData("""{"input":"hi","model":"gpt-moderation-9"}""", 404, "model", "model_not_found")]
    public async Task Create_BadInput_OpenAiError(string json, int expectedStatus, string param, string code)
    {
        var (status, body) = await api.SendAsync(api.InferenceKey, "POST", "/v1/moderations", json);

        Assert.Equal(expectedStatus, status);
        ApiCalls.AssertError(body, code, param);
    }

    [Fact]
    public async Task Create_InputOverTheSizeLimit_400StringAboveMaxLength()
    {
        var (status, body) = await api.SendAsync(api.InferenceKey, "POST", "/v1/moderations", $$"""{"input":["ok","{{new string('a', 32_769)}}"]}""");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "string_above_max_length", "input[1]");
    }

    [Fact]
    public async Task Create_TooManyInputs_400()
    {
        var inputs = string.Join(',', Enumerable.Repeat("\"a\"", 33));
        var (status, body) = await api.SendAsync(api.InferenceKey, "POST", "/v1/moderations", $$"""{"input":[{{inputs}}]}""");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_value", "input");
    }

    [Fact]
    public async Task Create_WithoutKey_401()
    {
        var (status, _) = await api.SendAsync(null, "POST", "/v1/moderations", """{"input":"hi"}""");
        Assert.Equal(401, status);
    }
}
