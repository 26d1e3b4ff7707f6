namespace Platform.Inference.Templates.Runtime;

/// <summary>A runtime error without a location yet; the renderer adds the statement's line and column.</summary>
internal sealed class EvaluationException : Exception
{
    public EvaluationException()
    {
    }

    public EvaluationException(string message)
        : base(message)
    {
    }

    public EvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
