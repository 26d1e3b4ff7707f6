namespace Platform.Inference.Templates.Syntax;

/// <summary>Call arguments: positional ones, then <c>name=value</c> ones.</summary>
internal sealed record ArgumentList(IReadOnlyList<Expression> Positional, IReadOnlyList<KeywordArgument> Keywords)
{
    public static ArgumentList Empty { get; } = new([], []);
}

internal sealed record KeywordArgument(string Name, Expression Value);

/// <summary>A macro or call-block parameter with its optional default.</summary>
internal sealed record Parameter(string Name, Expression? Default);
