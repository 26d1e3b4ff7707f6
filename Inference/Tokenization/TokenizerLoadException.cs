namespace Platform.Inference.Tokenization;

/// <summary>A tokenizer folder could not be loaded; the message names the file and, where one is at fault, the field.</summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException()
    {
    }

    public TokenizerLoadException(string message)
        : base(message)
    {
    }

    public TokenizerLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
