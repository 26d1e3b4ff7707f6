using Platform.Api.Tests.Support;
using Platform.Inference.Templates;
using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Loading chat templates and special tokens from tokenizer_config.json, including tiny-random-llama's real file.</summary>
public sealed class ChatTemplateLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("platform-templates-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ChatTemplateContext Conversation(params IReadOnlyDictionary<string, object?>[] messages) => new()
    {
        Messages = messages,
        BosToken = "<s>",
        EosToken = "</s>",
        AddGenerationPrompt = true,
    };

    [Fact]
    public void FromTokenizerConfig_TinyRandomLlama_ReadsTemplateAndTokens()
    {
        var model = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(SharedData.Model("tiny-random-llama"), "tokenizer_config.json"));

        Assert.Equal("<s>", model.BosToken);
        Assert.Equal("</s>", model.EosToken);
        Assert.NotSame(ChatTemplate.ChatMl, model.Template);
    }

    [Fact]
    public void Render_TinyRandomLlamaConversation_MatchesReference()
    {
        var model = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(SharedData.Model("tiny-random-llama"), "tokenizer_config.json"));

        var text = model.Template.Render(Conversation(
            Message("system", "Be brief."), Message("user", " Hi "), Message("assistant", "Hello."), Message("user", "Bye")));

        Assert.Equal("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n Hi [/INST] Hello. </s><s>[INST] Bye [/INST]", text);
    }

    [Fact]
    public void Render_TinyRandomLlamaAssistantTurn_StripsAndAppendsEos()
    {
        var model = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(SharedData.Model("tiny-random-llama"), "tokenizer_config.json"));

        Assert.Equal("<s>[INST] Hi [/INST] Hello. </s>", model.Template.Render(Conversation(Message("user", "Hi"), Message("assistant", " Hello. "))));
    }

    [Fact]
    public void Render_TinyRandomLlamaEmptySystemMessage_DropsItLikeReference()
    {
        // The reference compares `system_message != false` loosely, as JavaScript does, so '' counts as false.
        var model = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(SharedData.Model("tiny-random-llama"), "tokenizer_config.json"));

        Assert.Equal("<s>[INST] Hi [/INST]", model.Template.Render(Conversation(Message("system", string.Empty), Message("user", "Hi"))));
    }

    [Fact]
    public void Render_TinyRandomLlamaRolesNotAlternating_RaisesTemplateMessage()
    {
        var model = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(SharedData.Model("tiny-random-llama"), "tokenizer_config.json"));

        var error = Assert.Throws<TemplateRaisedException>(() => model.Template.Render(Conversation(Message("user", "Hi"), Message("user", "Hi"))));

        Assert.Equal("Conversation roles must alternate user/assistant/user/assistant/...", error.Message);
    }

    [Fact]
    public void FromTokenizerConfig_NoTemplate_FallsBackToChatMl()
    {
        var model = ChatTemplateLoader.FromTokenizerConfig(Path.Combine(SharedData.Model("tiny-random-gpt2"), "tokenizer_config.json"));

        Assert.Same(ChatTemplate.ChatMl, model.Template);
        Assert.Equal("<|endoftext|>", model.BosToken);
        Assert.Equal("<|endoftext|>", model.EosToken);
    }

    [Fact]
    public void FromTokenizerConfig_TemplateListAndTokenObjects_UsesDefaultEntryAndContent()
    {
        var path = Write("""
            {
              "bos_token": {"content": "<B>", "lstrip": false},
              "eos_token": {"__type": "AddedToken", "content": "<E>"},
              "chat_template": [
                {"name": "tool_use", "template": "tools"},
                {"name": "default", "template": "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}"}
              ]
            }
            """);

        var model = ChatTemplateLoader.FromTokenizerConfig(path);

        Assert.Equal("<B>", model.BosToken);
        Assert.Equal("<E>", model.EosToken);
        var context = new ChatTemplateContext { Messages = [Message("user", "x")], BosToken = model.BosToken, EosToken = model.EosToken };
        Assert.Equal("<B>x<E>", model.Template.Render(context));
    }

    [Fact]
    public void FromTokenizerConfig_TemplateInSiblingJinjaFile_ReadsThatFile()
    {
        var path = Write("""{"eos_token": "</s>"}""");
        File.WriteAllText(Path.Combine(_directory, "chat_template.jinja"), "{{ messages|length }}\n");

        var model = ChatTemplateLoader.FromTokenizerConfig(path);

        Assert.Equal("1", model.Template.Render(new ChatTemplateContext { Messages = [Message("user", "x")] }));
        Assert.Null(model.BosToken);
    }

    [Fact]
    public void FromTokenizerConfig_BrokenTemplate_ThrowsSyntaxError()
    {
        var path = Write("""{"chat_template": "{% for m in messages %}"}""");

        Assert.Throws<TemplateSyntaxException>(() => ChatTemplateLoader.FromTokenizerConfig(path));
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "tokenizer_config.json");
        File.WriteAllText(path, json);
        return path;
    }
}
