using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Syntax;

/// <summary>Template structure: text, output tags and the block statements.</summary>
internal sealed partial class Parser
{
    /// <summary>Parses statements up to a <c>{% terminator %}</c>, whose <c>{%</c> and name it consumes.</summary>
    private List<Statement> ParseBody(string[] terminators, out string terminator)
    {
        EnsureStack();
        var body = new List<Statement>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.EndOfTemplate:
                    if (terminators.Length > 0)
                    {
                        throw Error(token, $"Unexpected end of template: expected {{% {string.Join(" %} or {% ", terminators)} %}}");
                    }

                    terminator = string.Empty;
                    return body;
                case TokenKind.Text:
                    _current++;
                    body.Add(new TextStatement(token.Position, token.Value));
                    break;
                case TokenKind.OpenExpression:
                    _current++;
                    var value = ParseExpression();
                    Expect(TokenKind.CloseExpression, "'}}'");
                    body.Add(new OutputStatement(token.Position, value));
                    break;
                default:
                    Expect(TokenKind.OpenStatement, "'{%'");
                    var name = ExpectName("a statement name");
                    if (Array.IndexOf(terminators, name.Value) >= 0)
                    {
                        terminator = name.Value;
                        return body;
                    }

                    if (name.Value is "elif" or "else" || name.Value.StartsWith("end", StringComparison.Ordinal) && name.Value != "endgeneration")
                    {
                        var expected = terminators.Length > 0 ? $": expected {{% {string.Join(" %} or {% ", terminators)} %}}" : string.Empty;
                        throw Error(name, $"Unexpected '{name.Value}'{expected}");
                    }

                    if (ParseStatement(token.Position, name) is { } statement)
                    {
                        body.Add(statement);
                    }

                    break;
            }
        }
    }

    private Statement? ParseStatement(int position, Token name)
    {
        switch (name.Value)
        {
            case "if":
                return ParseIf(position);
            case "for":
                return ParseFor(position);
            case "set":
                return ParseSet(position);
            case "macro":
                return ParseMacro(position);
            case "call":
                return ParseCallBlock(position);
            case "filter":
                return ParseFilterBlock(position);
            case "break" or "continue":
                if (_loopDepth == 0)
                {
                    throw Error(name, $"'{name.Value}' outside a loop");
                }

                Expect(TokenKind.CloseStatement, "'%}'");
                return name.Value == "break" ? new BreakStatement(position) : new ContinueStatement(position);
            case "generation" or "endgeneration":
                // transformers' assistant-mask markers render nothing.
                Expect(TokenKind.CloseStatement, "'%}'");
                return null;
            default:
                throw Error(name, $"Unknown statement '{name.Value}'");
        }
    }

    private IfStatement ParseIf(int position)
    {
        var test = ParseExpression();
        Expect(TokenKind.CloseStatement, "'%}'");
        var body = ParseBody(["elif", "else", "endif"], out var terminator);
        IReadOnlyList<Statement> otherwise = [];
        switch (terminator)
        {
            case "elif":
                otherwise = [ParseIf(Peek(-2).Position)];
                break;
            case "else":
                Expect(TokenKind.CloseStatement, "'%}'");
                otherwise = ParseBody(["endif"], out _);
                Expect(TokenKind.CloseStatement, "'%}'");
                break;
            default:
                Expect(TokenKind.CloseStatement, "'%}'");
                break;
        }

        return new IfStatement(position, test, body, otherwise);
    }

    private ForStatement ParseFor(int position)
    {
        var target = ParseForTarget();
        if (!IsName("in"))
        {
            throw Error(Current, $"Expected 'in' after the loop variable, found {Describe(Current)}");
        }

        _current++;
        var iterable = ParseExpression();
        Expression? filter = null;
        if (iterable is ConditionalExpression { Otherwise: null } selection)
        {
            // `for x in items if test`: the test filters items before the loop counts them.
            iterable = selection.Then;
            filter = selection.Test;
        }

        Expect(TokenKind.CloseStatement, "'%}'");
        _loopDepth++;
        var body = ParseBody(["else", "endfor"], out var terminator);
        _loopDepth--;
        IReadOnlyList<Statement> otherwise = [];
        if (terminator == "else")
        {
            Expect(TokenKind.CloseStatement, "'%}'");
            otherwise = ParseBody(["endfor"], out _);
        }

        Expect(TokenKind.CloseStatement, "'%}'");
        return new ForStatement(position, target, iterable, filter, body, otherwise);
    }

    private AssignTarget ParseForTarget()
    {
        var parenthesized = Accept(TokenKind.LeftParen);
        var names = new List<string> { ExpectName("a loop variable").Value };
        while (Accept(TokenKind.Comma))
        {
            names.Add(ExpectName("a loop variable").Value);
        }

        if (parenthesized)
        {
            Expect(TokenKind.RightParen, "')'");
        }

        return names.Count == 1 && !parenthesized ? new NameTarget(names[0]) : new UnpackTarget(names);
    }

    private SetStatement ParseSet(int position)
    {
        var targetToken = Current;
        var target = ToAssignTarget(targetToken, ParseExpressionSequence());
        if (Accept(TokenKind.Assign))
        {
            var value = ParseExpressionSequence();
            Expect(TokenKind.CloseStatement, "'%}'");
            return new SetStatement(position, target, value, []);
        }

        Expect(TokenKind.CloseStatement, "'%}' or '='");
        var body = ParseBody(["endset"], out _);
        Expect(TokenKind.CloseStatement, "'%}'");
        return new SetStatement(position, target, null, body);
    }

    private AssignTarget ToAssignTarget(Token at, Expression expression) => expression switch
    {
        NameExpression name => new NameTarget(name.Name),
        TupleExpression tuple when tuple.Items.All(item => item is NameExpression) =>
            new UnpackTarget([.. tuple.Items.Cast<NameExpression>().Select(item => item.Name)]),
        AttributeExpression attribute => new AttributeTarget(attribute.Target, attribute.Name),
        _ => throw Error(at, "Can only assign to a name, names to unpack, or a namespace attribute"),
    };

    private MacroStatement ParseMacro(int position)
    {
        var name = ExpectName("a macro name");
        var parameters = ParseParameters();
        Expect(TokenKind.CloseStatement, "'%}'");
        var outerLoopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBody(["endmacro"], out _);
        _loopDepth = outerLoopDepth;
        Expect(TokenKind.CloseStatement, "'%}'");
        return new MacroStatement(position, name.Value, parameters, body);
    }

    private CallBlockStatement ParseCallBlock(int position)
    {
        IReadOnlyList<Parameter> callerParameters = Is(TokenKind.LeftParen) ? ParseParameters() : [];
        var callee = ExpectName("the name of the macro to call");
        var arguments = ParseArguments();
        Expect(TokenKind.CloseStatement, "'%}'");
        var body = ParseBody(["endcall"], out _);
        Expect(TokenKind.CloseStatement, "'%}'");
        var call = new CallExpression(callee.Position, new NameExpression(callee.Position, callee.Value), arguments);
        return new CallBlockStatement(position, call, callerParameters, body);
    }

    private FilterBlockStatement ParseFilterBlock(int position)
    {
        var name = ExpectName("a filter name");
        var arguments = Is(TokenKind.LeftParen) ? ParseArguments() : null;
        Expect(TokenKind.CloseStatement, "'%}'");
        var body = ParseBody(["endfilter"], out _);
        Expect(TokenKind.CloseStatement, "'%}'");
        return new FilterBlockStatement(position, name.Value, arguments, body);
    }

    private List<Parameter> ParseParameters()
    {
        Expect(TokenKind.LeftParen, "'('");
        var parameters = new List<Parameter>();
        while (!Accept(TokenKind.RightParen))
        {
            var name = ExpectName("a parameter name");
            if (parameters.Exists(p => p.Name == name.Value))
            {
                throw Error(name, $"Duplicate parameter '{name.Value}'");
            }

            Expression? defaultValue = null;
            if (Accept(TokenKind.Assign))
            {
                defaultValue = ParseExpression();
            }
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw Error(name, "A parameter without a default follows one with a default");
            }

            parameters.Add(new Parameter(name.Value, defaultValue));
            if (!Is(TokenKind.RightParen))
            {
                Expect(TokenKind.Comma, "',' or ')'");
            }
        }

        return parameters;
    }
}
