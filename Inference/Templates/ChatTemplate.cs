using Platform.Inference.Templates.Runtime;
using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates;

/// <summary>
/// A parsed Hugging Face chat template: the Jinja subset chat templates use, rendered with transformers' settings
/// (<c>trim_blocks</c>, <c>lstrip_blocks</c>) and matching @huggingface/jinja's output. Parse once, render many
/// times from any number of threads.
/// </summary>
public sealed class ChatTemplate
{
    /// <summary>transformers' ChatML fallback template (no default system message), ending with the assistant prompt when asked.</summary>
    internal const string ChatMlSource =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private readonly string _source;
    private readonly IReadOnlyList<Statement> _body;

    private ChatTemplate(string source, IReadOnlyList<Statement> body)
    {
        _source = source;
        _body = body;
    }

    /// <summary>The template's text, as the model ships it.</summary>
    public string Source => _source;

    /// <summary>The template for models that ship none: standard ChatML.</summary>
    public static ChatTemplate ChatMl { get; } = Parse(ChatMlSource);

    /// <exception cref="TemplateSyntaxException">The template does not parse; the message gives the line and column.</exception>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(source, Parser.Parse(source));
    }

    /// <exception cref="TemplateRaisedException">The template called <c>raise_exception(msg)</c>; the message is <c>msg</c>.</exception>
    /// <exception cref="TemplateRenderException">Any other runtime error, with the line and column of the failing tag.</exception>
    public string Render(ChatTemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var globals = new Scope(null);
        foreach (var (name, value) in context.Extra)
        {
            globals.Set(name, value);
        }

        globals.Set("messages", context.Messages);
        globals.Set("add_generation_prompt", context.AddGenerationPrompt);
        globals.Set("tools", context.Tools);
        if (context.BosToken is not null)
        {
            globals.Set("bos_token", context.BosToken);
        }

        if (context.EosToken is not null)
        {
            globals.Set("eos_token", context.EosToken);
        }

        return new Renderer(_source, context.Clock).Render(_body, globals);
    }
}
