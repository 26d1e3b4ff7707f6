using System.Text.Json;

namespace Platform.Inference.Templates;

/// <summary>Reads a model's chat template and special tokens from its tokenizer_config.json.</summary>
public static class ChatTemplateLoader
{
    /// <summary>
    /// The <c>chat_template</c> of <paramref name="tokenizerConfigPath"/>: a string, or the entry named <c>default</c> of a
    /// list of <c>{name, template}</c>; else a <c>chat_template.jinja</c> beside it; else <see cref="ChatTemplate.ChatMl"/>.
    /// <c>bos_token</c> and <c>eos_token</c> may be strings or objects with a <c>content</c> field.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="JsonException">The file is not JSON.</exception>
    /// <exception cref="TemplateSyntaxException">The template does not parse.</exception>
    public static ModelChatTemplate FromTokenizerConfig(string tokenizerConfigPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(tokenizerConfigPath));
        var root = document.RootElement;
        var source = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("chat_template", out var template)
            ? TemplateText(template)
            : null;
        source ??= SiblingTemplate(tokenizerConfigPath);
        var chatTemplate = source is null ? ChatTemplate.ChatMl : ChatTemplate.Parse(source);
        return new ModelChatTemplate(chatTemplate, TokenText(root, "bos_token"), TokenText(root, "eos_token"));
    }

    private static string? TemplateText(JsonElement template)
    {
        if (template.ValueKind == JsonValueKind.String)
        {
            return template.GetString();
        }

        if (template.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var entry in template.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object
                && entry.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == "default"
                && entry.TryGetProperty("template", out var text) && text.ValueKind == JsonValueKind.String)
            {
                return text.GetString();
            }
        }

        return null;
    }

    private static string? SiblingTemplate(string tokenizerConfigPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(tokenizerConfigPath));
        var path = directory is null ? null : Path.Combine(directory, "chat_template.jinja");
        return path is not null && File.Exists(path) ? File.ReadAllText(path) : null;
    }

    private static string? TokenText(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var token))
        {
            return null;
        }

        return token.ValueKind switch
        {
            JsonValueKind.String => token.GetString(),
            JsonValueKind.Object when token.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => null,
        };
    }
}
