using Platform.Inference.Synthetic.Tokenizer;
using Platform.Inference.Templates;
using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>The ChatML default for models without a template.</summary>
public sealed class ChatMlTests
{
    private static readonly IReadOnlyDictionary<string, object?>[] Conversation =
        [Message("system", "Be terse."), Message("user", "Hi"), Message("assistant", "Hello"), Message("user", "Bye")];

    [Fact]
    public void ChatMl_WithGenerationPrompt_OpensAssistantTurn()
    {
        var text = ChatTemplate.ChatMl.Render(new ChatTemplateContext { Messages = Conversation, AddGenerationPrompt = true });

        Assert.Equal(
            "<|im_start|>system\nBe terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n" +
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void ChatMl_WithoutGenerationPrompt_EndsAfterLastMessage()
    {
        var text = ChatTemplate.ChatMl.Render(new ChatTemplateContext { Messages = [Message("user", "Hi")] });

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n", text);
    }

    [Fact]
    public void SyntheticModelsTemplate_IsQwen25sToolTemplateVerbatim()
    {
        Assert.Equal(Qwen25ChatTemplate.Source, File.ReadAllText(ChatTemplateVectors.TemplatePath("qwen2.5.jinja")));
    }
}
