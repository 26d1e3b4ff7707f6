using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Json.Schema;
using OpenAI;
using OpenAI.Chat;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Sdk;

/// <summary>Tools and structured outputs through the official OpenAI .NET SDK: a tool loop, JSON schema formats, streamed tool-call deltas.</summary>
[Collection(ApiTests.Name)]
public sealed class OpenAiSdkToolsTests(ApiFixture api)
{
    private static readonly BinaryData WeatherParameters = BinaryData.FromString("""
        {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}
        """);

    private OpenAIClient Client() => new(new ApiKeyCredential(api.InferenceKey), new OpenAIClientOptions { Endpoint = new Uri(api.BaseAddress, "v1"), RetryPolicy = new ClientRetryPolicy(0) });

    [Fact]
    public async Task ToolLoop_CallThenToolMessageThenAnswer()
    {
        var chat = Client().GetChatClient(ApiFixture.Synthetic);
        var weather = ChatTool.CreateFunctionTool("get_weather", "Current weather for a city", WeatherParameters, functionSchemaIsStrict: true);
        var options = new ChatCompletionOptions { Tools = { weather }, ToolChoice = ChatToolChoice.CreateRequiredChoice(), MaxOutputTokenCount = 120, Temperature = 1f };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];

        ChatCompletion first = await chat.CompleteChatAsync(messages, options);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using (var arguments = JsonDocument.Parse(call.FunctionArguments.ToString()))
        {
            Assert.True(JsonSchema.FromText(WeatherParameters.ToString()).Evaluate(arguments.RootElement).IsValid);
        }

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "18 degrees and sunny"));
        var answerOptions = new ChatCompletionOptions { Tools = { weather }, ToolChoice = ChatToolChoice.CreateNoneChoice(), MaxOutputTokenCount = 12, Temperature = 0f };
        ChatCompletion answer = await chat.CompleteChatAsync(messages, answerOptions);

        Assert.Empty(answer.ToolCalls);
        Assert.Contains(answer.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.DoesNotContain("<tool_call>", answer.Content.Count > 0 ? answer.Content[0].Text : string.Empty, StringComparison.Ordinal);
    }

    // The shared gpt2 test model keeps GPT-2's 50k tokenizer over a 1000-row embedding, so chat prompts do not fit it.
    [Theory]
    [InlineData(ApiFixture.Llama)]
    [InlineData(ApiFixture.Synthetic)]
    public async Task JsonSchemaFormat_OutputDeserializesAndValidates(string model)
    {
        var schema = BinaryData.FromString("""
            {"type":"object","properties":{"title":{"type":"string"},"year":{"type":"integer"},"genres":{"type":"array","items":{"type":"string"},"maxItems":2},"rating":{"type":["number","null"]}},
             "required":["title","year","genres","rating"],"additionalProperties":false}
            """);
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("movie", schema, jsonSchemaIsStrict: true),
            MaxOutputTokenCount = 150,
            Temperature = 1f,
        };

        ChatCompletion completion = await Client().GetChatClient(model).CompleteChatAsync([new UserChatMessage("A movie")], options);

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        using var output = JsonDocument.Parse(completion.Content[0].Text);
        Assert.True(JsonSchema.FromText(schema.ToString()).Evaluate(output.RootElement).IsValid, completion.Content[0].Text);
    }

    [Fact]
    public async Task StreamedToolCalls_AssembledBySdk_EqualTheWholeResponse()
    {
        var chat = Client().GetChatClient(ApiFixture.Synthetic);
        var weather = ChatTool.CreateFunctionTool("get_weather", "Current weather", WeatherParameters);
        var options = new ChatCompletionOptions { Tools = { weather }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"), MaxOutputTokenCount = 100, Temperature = 0f };
        ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage("Weather?")], options);

        var ids = new Dictionary<int, string>();
        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        var argumentUpdates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Weather?")], options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                if (part.ToolCallId is { } id)
                {
                    ids[part.Index] = id;
                }

                if (part.FunctionName is { } name)
                {
                    names[part.Index] = name;
                }

                if (!arguments.TryGetValue(part.Index, out var text))
                {
                    arguments[part.Index] = text = new StringBuilder();
                }

                var piece = part.FunctionArgumentsUpdate?.ToString();
                text.Append(piece);
                argumentUpdates += string.IsNullOrEmpty(piece) ? 0 : 1;
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        var call = Assert.Single(whole.ToolCalls);
        Assert.Equal([0], ids.Keys);
        Assert.StartsWith("call_", ids[0], StringComparison.Ordinal);
        Assert.Equal(call.FunctionName, names[0]);
        Assert.Equal(call.FunctionArguments.ToString(), arguments[0].ToString());

        // Token by token, as OpenAI streams them: not the whole arguments in one update.
        Assert.True(argumentUpdates > 2, $"{argumentUpdates} argument updates");
    }
}
