using Platform.Api.Errors;
using Platform.Inference.Models;
using Platform.Inference.Templates;

namespace Platform.Api.Chat;

/// <summary>Messages to prompt tokens: the model's chat template (ChatML when it has none), then the tokenizer.</summary>
internal static class ChatPrompt
{
    public static IReadOnlyList<int> Build(LoadedModel model, IReadOnlyList<IReadOnlyDictionary<string, object?>> messages, IReadOnlyList<object?>? tools = null)
    {
        string rendered;
        try
        {
            rendered = model.ChatTemplate.Template.Render(new ChatTemplateContext
            {
                Messages = messages,
                BosToken = model.ChatTemplate.BosToken,
                EosToken = model.ChatTemplate.EosToken,
                AddGenerationPrompt = true,
                Tools = tools,
            });
        }
        catch (TemplateRaisedException ex)
        {
            // The template's own raise_exception: its message is for the caller (e.g. roles must alternate).
            throw ApiException.InvalidRequest(ex.Message, "messages");
        }
        catch (TemplateRenderException ex)
        {
            throw ApiException.InvalidRequest($"The model's chat template could not render these messages: {ex.Message}", "messages", "invalid_chat_template");
        }

        // The template writes any BOS itself, as transformers' apply_chat_template assumes.
        return model.Tokenizer.Encode(rendered, addSpecialTokens: false);
    }
}
