using System.Text.Json.Nodes;

namespace Platform.Api.Tests.Support;

public sealed class OpenAiSchemasTests
{
    private const string Chat = "CreateChatCompletionResponse";
    private const string Chunk = "CreateChatCompletionStreamResponse";
    private const string Completion = "CreateCompletionResponse";

    private static OpenAiSchemas Schemas => OpenAiSchemas.Official;

    [Theory]
    [InlineData(Chat, OpenAiExamples.ChatCompletion)]
    [InlineData(Chunk, OpenAiExamples.ChatChunkFirst)]
    [InlineData(Chunk, OpenAiExamples.ChatChunkLast)]
    [InlineData(Chunk, OpenAiExamples.ChatChunkUsage)]
    [InlineData(Completion, OpenAiExamples.Completion)]
    [InlineData("ListModelsResponse", OpenAiExamples.ModelList)]
    [InlineData("Model", OpenAiExamples.Model)]
    [InlineData("ErrorResponse", OpenAiExamples.Error)]
    [InlineData("CreateModerationResponse", OpenAiExamples.Moderation)]
    [InlineData("CompoundFilter", OpenAiExamples.CompoundFilter)]
    public void Validate_DocumentedExample_NoErrors(string schema, string json) => AssertValid(schema, json);

    [Theory]
    [InlineData(Chat)]
    [InlineData(Chunk)]
    [InlineData(Completion)]
    [InlineData("Model")]
    [InlineData("CreateModerationResponse")]
    public void Validate_ExampleEmbeddedInSpec_NoErrors(string schema)
    {
        var example = Schemas.GetSchema(schema).GetProperty("x-oaiMeta").GetProperty("example").GetString()!;
        // The stream example is several chunks separated by blank lines, with "...." standing for the middle ones.
        var documents = example.Split("\n\n").Select(d => d.Trim()).Where(d => d.StartsWith('{')).ToList();

        Assert.NotEmpty(documents);
        Assert.All(documents, d => AssertValid(schema, d));
    }

    [Fact]
    public void Official_TheSchemasTheApiServes_AllPresent()
    {
        string[] served = [Chat, Chunk, Completion, "ListModelsResponse", "Model", "ErrorResponse", "Error", "CreateModerationResponse", "CompletionUsage"];

        Assert.All(served, name => Assert.True(Schemas.HasSchema(name), name));
        Assert.False(Schemas.HasSchema("NoSuchSchema"));
        Assert.Throws<ArgumentException>(() => Schemas.Validate("NoSuchSchema", "{}"));
    }

    [Fact]
    public void Validate_NotJson_OneErrorAtRoot() =>
        Assert.StartsWith("$: not valid JSON", Assert.Single(Schemas.Validate("Model", "{ \"id\": ")), StringComparison.Ordinal);

    [Fact]
    public void Validate_ChatWithTokenLogprobs_NoErrors() =>
        AssertValid(Chat, Edit(OpenAiExamples.ChatCompletion, r => r["choices"]![0]!["logprobs"] = JsonNode.Parse(OpenAiExamples.ChatLogprobs)));

    [Theory]
    [InlineData("$.created: required property is missing", "created", null)]
    [InlineData("$.choices: required property is missing", "choices", null)]
    [InlineData("$.created: expected integer, found string \"1677652288\"", "created", "\"1677652288\"")]
    [InlineData("$.created: expected integer, found number 1677652288.5", "created", "1677652288.5")]
    [InlineData("$.model: expected string, found null", "model", "null")]
    [InlineData("$.object: string \"chat.completion.chunk\" is not one of the allowed values: \"chat.completion\"", "object", "\"chat.completion.chunk\"")]
    [InlineData("$.usage: expected object, found null", "usage", "null")]
    [InlineData("$.usage.total_tokens: expected integer, found string \"21\"", "usage.total_tokens", "\"21\"")]
    [InlineData("$.usage.prompt_tokens: required property is missing", "usage.prompt_tokens", null)]
    [InlineData("$.service_tier: string \"premium\" matches none of the anyOf alternatives (#1: string \"premium\" is not one of the allowed values: \"auto\", \"default\", \"flex\", \"scale\", \"priority\", \"fast\"; #2: expected null, found string \"premium\")", "service_tier", "\"premium\"")]
    public void Validate_ChatTopLevelBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError(Chat, Set(OpenAiExamples.ChatCompletion, path, value), expected);

    [Theory]
    [InlineData("$.choices[0].finish_reason: required property is missing", "finish_reason", null)]
    [InlineData("$.choices[0].finish_reason: string \"banana\" is not one of the allowed values: \"stop\", \"length\", \"tool_calls\", \"content_filter\", \"function_call\"", "finish_reason", "\"banana\"")]
    [InlineData("$.choices[0].finish_reason: expected string, found null", "finish_reason", "null")]
    [InlineData("$.choices[0].index: expected integer, found string \"0\"", "index", "\"0\"")]
    [InlineData("$.choices[0].logprobs: required property is missing", "logprobs", null)]
    [InlineData("$.choices[0].logprobs.content: required property is missing", "logprobs", "{\"refusal\":null}")]
    [InlineData("$.choices[0].message: required property is missing", "message", null)]
    [InlineData("$.choices[0].message.refusal: required property is missing", "message.refusal", null)]
    [InlineData("$.choices[0].message.content: required property is missing", "message.content", null)]
    [InlineData("$.choices[0].message.role: required property is missing", "message.role", null)]
    [InlineData("$.choices[0].message.role: string \"user\" is not one of the allowed values: \"assistant\"", "message.role", "\"user\"")]
    [InlineData("$.choices[0].message.content: number 42 matches none of the anyOf alternatives (#1: expected string, found number 42; #2: expected null, found number 42)", "message.content", "42")]
    public void Validate_ChatChoiceBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError(Chat, Set(OpenAiExamples.ChatCompletion, "choices.0." + path, value), expected);

    [Fact]
    public void Validate_ChatTokenLogprobWithoutBytes_ErrorInsideLogprobs()
    {
        var json = Edit(OpenAiExamples.ChatCompletion, r =>
        {
            var logprobs = JsonNode.Parse(OpenAiExamples.ChatLogprobs)!;
            logprobs["content"]![0]!.AsObject().Remove("bytes");
            r["choices"]![0]!["logprobs"] = logprobs;
        });

        AssertSingleError(Chat, json, "$.choices[0].logprobs.content[0].bytes: required property is missing");
    }

    [Theory]
    [InlineData("$.choices[0].delta: required property is missing", "choices.0.delta", null)]
    [InlineData("$.choices[0].finish_reason: required property is missing", "choices.0.finish_reason", null)]
    [InlineData("$.choices[0].finish_reason: string \"banana\" is not one of the allowed values: \"stop\", \"length\", \"tool_calls\", \"content_filter\", \"function_call\"", "choices.0.finish_reason", "\"banana\"")]
    [InlineData("$.choices[0].delta.role: string \"robot\" is not one of the allowed values: \"developer\", \"system\", \"user\", \"assistant\", \"tool\"", "choices.0.delta.role", "\"robot\"")]
    [InlineData("$.choices[0].logprobs.refusal: required property is missing", "choices.0.logprobs", "{\"content\":null}")]
    [InlineData("$.object: string \"chat.completion\" is not one of the allowed values: \"chat.completion.chunk\"", "object", "\"chat.completion\"")]
    [InlineData("$.usage: expected object, found string \"none\"", "usage", "\"none\"")]
    [InlineData("$.id: required property is missing", "id", null)]
    public void Validate_ChunkBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError(Chunk, Set(OpenAiExamples.ChatChunkFirst, path, value), expected);

    [Theory]
    [InlineData("choices.0.logprobs", null)]
    [InlineData("choices.0.delta.role", null)]
    [InlineData("choices.0.delta.content", "null")]
    [InlineData("choices.0.delta.refusal", "null")]
    [InlineData("choices.0.delta", "{}")]
    [InlineData("usage", null)]
    public void Validate_ChunkOptionalOrNullableFields_NoErrors(string path, string? value) =>
        AssertValid(Chunk, Set(OpenAiExamples.ChatChunkFirst, path, value));

    [Theory]
    [InlineData("$.usage.completion_tokens: required property is missing", "usage.completion_tokens", null)]
    [InlineData("$.choices: expected array, found null", "choices", "null")]
    public void Validate_UsageChunkBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError(Chunk, Set(OpenAiExamples.ChatChunkUsage, path, value), expected);

    [Fact]
    public void Validate_CompletionWithLogprobs_NoErrors() =>
        AssertValid(Completion, Set(OpenAiExamples.Completion, "choices.0.logprobs", OpenAiExamples.CompletionLogprobs));

    [Theory]
    [InlineData("$.choices[0].text: required property is missing", "choices.0.text", null)]
    [InlineData("$.choices[0].index: required property is missing", "choices.0.index", null)]
    [InlineData("$.choices[0].logprobs: required property is missing", "choices.0.logprobs", null)]
    [InlineData("$.choices[0].finish_reason: string \"tool_calls\" is not one of the allowed values: \"stop\", \"length\", \"content_filter\"", "choices.0.finish_reason", "\"tool_calls\"")]
    [InlineData("$.choices[0].logprobs.top_logprobs[0]['\\n']: expected number, found string \"-0.25\"", "choices.0.logprobs", """{ "top_logprobs": [{ "\n": "-0.25" }] }""")]
    [InlineData("$.choices[0].logprobs.tokens[0]: expected string, found number 1", "choices.0.logprobs", """{ "tokens": [1] }""")]
    [InlineData("$.object: string \"chat.completion\" is not one of the allowed values: \"text_completion\"", "object", "\"chat.completion\"")]
    public void Validate_CompletionBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError(Completion, Set(OpenAiExamples.Completion, path, value), expected);

    [Theory]
    [InlineData("$.object: string \"lists\" is not one of the allowed values: \"list\"", "object", "\"lists\"")]
    [InlineData("$.data: required property is missing", "data", null)]
    [InlineData("$.data[1].owned_by: required property is missing", "data.1.owned_by", null)]
    [InlineData("$.data[0].created: expected integer, found string \"1686935002\"", "data.0.created", "\"1686935002\"")]
    [InlineData("$.data[0].object: string \"models\" is not one of the allowed values: \"model\"", "data.0.object", "\"models\"")]
    [InlineData("$.data[0].id: expected string, found null", "data.0.id", "null")]
    public void Validate_ModelListBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError("ListModelsResponse", Set(OpenAiExamples.ModelList, path, value), expected);

    [Theory]
    [InlineData("$.error.param: required property is missing", "error.param", null)]
    [InlineData("$.error.code: required property is missing", "error.code", null)]
    [InlineData("$.error.message: expected string, found null", "error.message", "null")]
    [InlineData("$.error.type: required property is missing", "error.type", null)]
    [InlineData("$.error.code: number 400 matches none of the anyOf alternatives (#1: expected string, found number 400; #2: expected null, found number 400)", "error.code", "400")]
    [InlineData("$.error: expected object, found string \"m\"", "error", "\"m\"")]
    public void Validate_ErrorBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError("ErrorResponse", Set(OpenAiExamples.Error, path, value), expected);

    [Theory]
    [InlineData("$.results[0].categories.hate: required property is missing", "results.0.categories.hate", null)]
    [InlineData("$.results[0].categories.violence: expected boolean, found null", "results.0.categories.violence", "null")]
    [InlineData("$.results[0].category_scores['self-harm']: expected number, found string \"high\"", "results.0.category_scores.self-harm", "\"high\"")]
    [InlineData("$.results[0].category_applied_input_types.hate[0]: string \"image\" is not one of the allowed values: \"text\"", "results.0.category_applied_input_types.hate", "[\"image\"]")]
    [InlineData("$.results[0].flagged: expected boolean, found string \"true\"", "results.0.flagged", "\"true\"")]
    public void Validate_ModerationBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError("CreateModerationResponse", Set(OpenAiExamples.Moderation, path, value), expected);

    [Theory]
    [InlineData("$.extra: property is not allowed (additionalProperties is false)", "extra", "1")]
    [InlineData("$.filters[0].extra: property is not allowed (additionalProperties is false)", "filters.0.extra", "1")]
    [InlineData("$.filters[1].filters[0].extra: property is not allowed (additionalProperties is false)", "filters.1.filters.0.extra", "1")]
    [InlineData("$.filters[1]: an object matches none of the oneOf alternatives (#1: $.filters[1].type: string \"xor\" is not one of the allowed values: \"eq\", \"ne\", \"gt\", \"gte\", \"lt\", \"lte\", \"in\", \"nin\"; #2: $.filters[1].type: string \"xor\" is not one of the allowed values: \"and\", \"or\")", "filters.1.type", "\"xor\"")]
    public void Validate_FilterBroken_ErrorNamesPath(string expected, string path, string? value) =>
        AssertSingleError("CompoundFilter", Set(OpenAiExamples.CompoundFilter, path, value), expected);

    [Theory]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget" }""", "")]
    [InlineData("""{ "id": 1, "label": "short", "kind": "widget", "score": 1, "legacy": null, "tags": ["a"], "flags": { "x": true } }""", "")]
    [InlineData("""{ "id": 2.0, "label": "x", "kind": "widget", "legacy": "b", "tags": ["a", "bc"] }""", "")]
    [InlineData("""{ "label": null, "kind": "widget" }""", "$.id: required property is missing")]
    [InlineData("""{ "id": 0, "label": null, "kind": "widget" }""", "$.id: 0 must be greater than or equal to 1")]
    [InlineData("""{ "id": 1.5, "label": null, "kind": "widget" }""", "$.id: expected integer, found number 1.5")]
    [InlineData("""{ "id": 1, "label": 7, "kind": "widget" }""", "$.label: expected string or null, found number 7")]
    [InlineData("""{ "id": 1, "label": "longer", "kind": "widget" }""", "$.label: has 6 characters; at most 5 allowed")]
    [InlineData("""{ "id": 1, "label": null, "kind": "gadget" }""", "$.kind: must be \"widget\", found string \"gadget\"")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "score": 0 }""", "$.score: 0 must be greater than 0")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "score": 1.5 }""", "$.score: 1.5 must be less than or equal to 1")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "legacy": "c" }""", "$.legacy: string \"c\" is not one of the allowed values: \"a\", \"b\"")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "tags": [] }""", "$.tags: has 0 items; at least 1 allowed")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "tags": ["a", "b", "c"] }""", "$.tags: has 3 items; at most 2 allowed")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "tags": ["A"] }""", "$.tags[0]: string \"A\" does not match the pattern ^[a-z]+$")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "flags": { "x": 1 } }""", "$.flags.x: expected boolean, found number 1")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "flags": { "not ok": true } }""", "$.flags['not ok']: property name: string \"not ok\" does not match the pattern ^[a-z]+$")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "colour": "red" }""", "$.colour: property is not allowed (additionalProperties is false)")]
    [InlineData("""{ "id": 1, "label": null, "kind": "widget", "status": "deleted" }""", "$.status: must not match the 'not' schema, but does")]
    public void Load_SpecWithEveryConstruct_AppliesEach(string json, string expected)
    {
        var errors = LoadSpec(ThingSpec).Validate("Thing", json);

        Assert.Equal(expected.Length == 0 ? [] : [expected], errors);
    }

    [Theory]
    [InlineData("      prefixItems: []", "Thing: keyword 'prefixItems' is neither applied nor knowingly ignored")]
    [InlineData("      items: { $ref: '#/components/schemas/Missing' }", "Thing/items: $ref '#/components/schemas/Missing' does not resolve")]
    [InlineData("      items: { $ref: 'other.yaml#/Thing' }", "Thing/items: Only '#/components/schemas/<name>' references are supported")]
    public void Load_SpecTheValidatorCannotCheck_FailsNamingTheProblem(string line, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => LoadSpec($"openapi: 3.1.0\ncomponents:\n  schemas:\n    Thing:\n      type: array\n{line}\n"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyThreadsAtOnce_SameAnswers()
    {
        var broken = Set(OpenAiExamples.ChatCompletion, "choices.0.finish_reason", "\"banana\"");
        var counts = new int[64];

        Parallel.For(0, counts.Length, i => counts[i] = Schemas.Validate(Chat, i % 2 == 0 ? OpenAiExamples.ChatCompletion : broken).Count);

        Assert.All(counts.Where((_, i) => i % 2 == 0), c => Assert.Equal(0, c));
        Assert.All(counts.Where((_, i) => i % 2 == 1), c => Assert.Equal(1, c));
    }

    /// <summary>The OpenAPI 3.0 and 3.1 constructs OpenAI's spec may use, some of which it does not use today.</summary>
    private const string ThingSpec = """
        openapi: 3.1.0
        components:
          schemas:
            Thing:
              type: object
              required: [id, label, kind]
              additionalProperties: false
              properties:
                id: { type: integer, minimum: 1, format: int64, x-oaiTypeLabel: id }
                label: { type: [string, 'null'], maxLength: 5, deprecated: true }
                kind: { const: widget }
                score: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, default: 0.5 }
                legacy: { type: string, nullable: true, enum: [a, b] }
                tags: { type: array, items: { $ref: '#/components/schemas/Tag' }, minItems: 1, maxItems: 2 }
                flags: { type: object, additionalProperties: { type: boolean }, propertyNames: { $ref: '#/components/schemas/Tag' } }
                status: { not: { const: deleted }, example: active }
            Tag:
              type: string
              pattern: '^[a-z]+$'
        """;

    private static OpenAiSchemas LoadSpec(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "platform-tests", $"openapi-{Guid.NewGuid():N}.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        try
        {
            return OpenAiSchemas.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertValid(string schema, string json)
    {
        var errors = Schemas.Validate(schema, json);
        Assert.True(errors.Count == 0, $"{schema} should accept the JSON, but:\n{string.Join('\n', errors)}\n{json}");
    }

    private static void AssertSingleError(string schema, string json, string expected)
    {
        var errors = Schemas.Validate(schema, json);
        Assert.True(errors.Count == 1 && errors[0] == expected, $"expected only:\n{expected}\nbut got:\n{string.Join('\n', errors)}\n{json}");
    }

    private static string Edit(string json, Action<JsonNode> edit)
    {
        var root = JsonNode.Parse(json)!;
        edit(root);
        return root.ToJsonString();
    }

    /// <summary>Sets the member at a dotted path (numbers index arrays) to a JSON value, or removes it when the value is null.</summary>
    private static string Set(string json, string path, string? value) => Edit(json, root =>
    {
        var steps = path.Split('.');
        var parent = steps[..^1].Aggregate(root, (node, step) => int.TryParse(step, out var i) ? node[i]! : node[step]!);
        if (value is null)
        {
            Assert.True(parent.AsObject().Remove(steps[^1]), $"{path} is not in the example");
        }
        else
        {
            parent[steps[^1]] = JsonNode.Parse(value);
        }
    });
}
