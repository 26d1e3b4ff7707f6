namespace Platform.Inference.Constraints.Grammar;

/// <summary>A schema or grammar that cannot be compiled; <see cref="Keyword"/> names the offending JSON Schema keyword when there is one.</summary>
public sealed class GrammarException : Exception
{
    public GrammarException()
    {
    }

    public GrammarException(string message)
        : base(message)
    {
    }

    public GrammarException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GrammarException(string message, string? keyword, string? path)
        : base(message)
    {
        Keyword = keyword;
        Path = path;
    }

    public string? Keyword { get; }

    /// <summary>Where in the schema, as a JSON pointer.</summary>
    public string? Path { get; }
}
