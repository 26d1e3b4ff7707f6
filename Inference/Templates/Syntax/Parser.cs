using System.Runtime.CompilerServices;
using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Syntax;

/// <summary>
/// Recursive-descent parser from tokens to statements. Operator precedence follows the reference implementation
/// (@huggingface/jinja), which is Jinja's except that <c>~</c> shares the level of <c>+</c> and <c>-</c>.
/// </summary>
internal sealed partial class Parser
{
    private readonly string _source;
    private readonly List<Token> _tokens;
    private int _current;
    private int _loopDepth;

    private Parser(string source, List<Token> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    public static IReadOnlyList<Statement> Parse(string source)
    {
        var parser = new Parser(source, Lexer.Tokenize(source));
        var body = parser.ParseBody([], out _);
        return body;
    }

    private Token Current => _tokens[_current];

    private Token Peek(int offset) => _tokens[Math.Min(_current + offset, _tokens.Count - 1)];

    private bool Is(TokenKind kind) => Current.Kind == kind;

    private bool IsName(string name) => Current.IsName(name);

    private Token Advance()
    {
        var token = Current;
        if (token.Kind != TokenKind.EndOfTemplate)
        {
            _current++;
        }

        return token;
    }

    private bool Accept(TokenKind kind)
    {
        if (!Is(kind))
        {
            return false;
        }

        _current++;
        return true;
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (!Is(kind))
        {
            throw Error(Current, $"Expected {what}, found {Describe(Current)}");
        }

        return Advance();
    }

    private Token ExpectName(string what)
    {
        if (!Is(TokenKind.Name))
        {
            throw Error(Current, $"Expected {what}, found {Describe(Current)}");
        }

        return Advance();
    }

    /// <summary>Deeply nested templates fail to parse instead of overflowing the stack, which would end the process.</summary>
    private void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(Current, "The template nests too deeply");
        }
    }

    private TemplateSyntaxException Error(Token at, string message) => SourceText.Error(_source, at.Position, message);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.EndOfTemplate => "the end of the template",
        TokenKind.CloseStatement => "'%}'",
        TokenKind.CloseExpression => "'}}'",
        TokenKind.String => "a string",
        TokenKind.Text => "text",
        _ => $"'{token.Value}'",
    };
}
