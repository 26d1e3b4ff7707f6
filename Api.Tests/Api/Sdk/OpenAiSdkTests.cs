using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Sdk;

/// <summary>The official OpenAI .NET SDK, pointed at our base URL on a loopback port, just works.</summary>
[Collection(ApiTests.Name)]
public sealed class OpenAiSdkTests(ApiFixture api)
{
    private OpenAIClient Client() => new(new ApiKeyCredential(api.InferenceKey), new OpenAIClientOptions { Endpoint = new Uri(api.BaseAddress, "v1"), RetryPolicy = new ClientRetryPolicy(0) });

    [Fact]
    public async Task Chat_Plain_ReturnsTextFinishReasonAndUsage()
    {
        var chat = Client().GetChatClient(ApiFixture.Llama);

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello there")],
            new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0f });

        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(ApiFixture.Llama, completion.Model);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(8, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 5);
        Assert.Equal(completion.Usage.InputTokenCount + 8, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Chat_Streamed_EqualsThePlainResponse()
    {
        var chat = Client().GetChatClient(ApiFixture.Llama);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0f };
        ChatCompletion plain = await chat.CompleteChatAsync([new UserChatMessage("Tell me a story")], options);

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")], options))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.True(updates > 2);
        Assert.Equal(plain.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(12, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Models_ListAndGet_NameEveryServedModel()
    {
        var models = Client().GetOpenAIModelClient();

        var list = (await models.GetModelsAsync()).Value;
        var one = (await models.GetModelAsync(ApiFixture.Synthetic)).Value;

        Assert.Equal([ApiFixture.Gpt2, ApiFixture.Llama, ApiFixture.Synthetic], list.Select(m => m.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ApiFixture.Synthetic, one.Id);
        Assert.Equal("platform", one.OwnedBy);
    }

    [Fact]
    public async Task Completions_ThroughTheSdkPipeline_ReturnsText()
    {
        var client = Client();
        using var message = client.Pipeline.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri(api.BaseAddress, "v1/completions");
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromString("""{"model":"tiny-synthetic","prompt":"Once upon","max_tokens":5,"temperature":0}"""));

        await client.Pipeline.SendAsync(message);

        Assert.Equal(200, message.Response!.Status);
        using var body = JsonDocument.Parse(message.Response.Content.ToString());
        Assert.Equal("text_completion", body.RootElement.GetProperty("object").GetString());
        Assert.Equal(5, body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_UnknownModel_SdkRaisesWithOurError()
    {
        var chat = Client().GetChatClient("gpt-unknown");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, ex.Status);
        Assert.Contains("model_not_found", ex.Message, StringComparison.Ordinal);
    }
}
