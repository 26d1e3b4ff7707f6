namespace Platform.Inference.Templates.Lexing;

/// <summary>One token; <see cref="Value"/> is the text for text, names and (unescaped) strings, else the source spelling.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Position)
{
    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;
}
