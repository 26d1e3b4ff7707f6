namespace Platform.Inference.Templates;

/// <summary>A chat template that does not parse; the message names the line and column.</summary>
public sealed class TemplateSyntaxException : Exception
{
    public TemplateSyntaxException()
    {
    }

    public TemplateSyntaxException(string message)
        : base(message)
    {
    }

    public TemplateSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
