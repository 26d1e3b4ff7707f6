namespace Platform.Inference.Templates;

/// <summary>A runtime error while rendering a chat template (bad operand types, unknown filter, ...), other than <c>raise_exception</c>.</summary>
public sealed class TemplateRenderException : Exception
{
    public TemplateRenderException()
    {
    }

    public TemplateRenderException(string message)
        : base(message)
    {
    }

    public TemplateRenderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
