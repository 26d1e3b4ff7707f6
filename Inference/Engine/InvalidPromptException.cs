namespace Platform.Inference.Engine;

/// <summary>A prompt the model cannot take: empty, too long for its context, or a token id outside its vocabulary.</summary>
public sealed class InvalidPromptException : Exception
{
    public InvalidPromptException()
    {
    }

    public InvalidPromptException(string message)
        : base(message)
    {
    }

    public InvalidPromptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
