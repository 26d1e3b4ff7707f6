using System.Globalization;
using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Syntax;

/// <summary>Primary expressions (literals, names, brackets) and what follows them: attributes, subscripts, slices, calls.</summary>
internal sealed partial class Parser
{
    private Expression ParsePostfix(Expression target)
    {
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Dot:
                    _current++;
                    var member = Advance();
                    target = member.Kind switch
                    {
                        TokenKind.Name => new AttributeExpression(token.Position, target, member.Value),
                        TokenKind.Integer => new IndexExpression(token.Position, target, new LiteralExpression(member.Position, ParseInteger(member))),
                        _ => throw Error(member, $"Expected an attribute name after '.', found {Describe(member)}"),
                    };
                    break;
                case TokenKind.LeftBracket:
                    _current++;
                    target = ParseSubscript(token.Position, target);
                    break;
                case TokenKind.LeftParen:
                    target = new CallExpression(token.Position, target, ParseArguments());
                    break;
                default:
                    return target;
            }
        }
    }

    private Expression ParseSubscript(int position, Expression target)
    {
        var parts = new Expression?[3];
        var count = 0;
        var isSlice = false;
        while (true)
        {
            parts[count] = Is(TokenKind.Colon) || Is(TokenKind.RightBracket) ? null : ParseExpression();
            count++;
            if (!Accept(TokenKind.Colon))
            {
                break;
            }

            isSlice = true;
            if (count == 3)
            {
                throw Error(Current, "A slice has at most three parts");
            }
        }

        var close = Expect(TokenKind.RightBracket, "']'");
        if (isSlice)
        {
            return new SliceExpression(position, target, parts[0], parts[1], parts[2]);
        }

        return parts[0] is { } key ? new IndexExpression(position, target, key) : throw Error(close, "Expected an index between '[' and ']'");
    }

    private ArgumentList ParseArguments()
    {
        Expect(TokenKind.LeftParen, "'('");
        var positional = new List<Expression>();
        var keywords = new List<KeywordArgument>();
        while (!Accept(TokenKind.RightParen))
        {
            if (Is(TokenKind.Name) && Peek(1).Kind == TokenKind.Assign)
            {
                var name = Advance();
                _current++;
                if (keywords.Exists(k => k.Name == name.Value))
                {
                    throw Error(name, $"Keyword argument '{name.Value}' given twice");
                }

                keywords.Add(new KeywordArgument(name.Value, ParseExpression()));
            }
            else
            {
                var start = Current;
                var value = ParseExpression();
                if (keywords.Count > 0)
                {
                    throw Error(start, "Positional arguments must come before keyword arguments");
                }

                positional.Add(value);
            }

            if (!Is(TokenKind.RightParen))
            {
                Expect(TokenKind.Comma, "',' or ')'");
            }
        }

        return new ArgumentList(positional, keywords);
    }

    private Expression ParsePrimary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TokenKind.String:
                var text = token.Value;
                while (Is(TokenKind.String))
                {
                    // Adjacent literals concatenate, as in Python.
                    text += Advance().Value;
                }

                return new LiteralExpression(token.Position, text);
            case TokenKind.Integer:
                return new LiteralExpression(token.Position, ParseInteger(token));
            case TokenKind.Float:
                return new LiteralExpression(token.Position, double.Parse(token.Value, CultureInfo.InvariantCulture));
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpression(token.Position, true),
                    "false" or "False" => new LiteralExpression(token.Position, false),
                    "none" or "None" => new LiteralExpression(token.Position, null),
                    _ => new NameExpression(token.Position, token.Value),
                };
            case TokenKind.LeftParen:
                if (Accept(TokenKind.RightParen))
                {
                    return new TupleExpression(token.Position, []);
                }

                var inner = ParseExpressionSequence();
                Expect(TokenKind.RightParen, "')'");
                return inner;
            case TokenKind.LeftBracket:
                return new ListExpression(token.Position, ParseItems(TokenKind.RightBracket, "']'"));
            case TokenKind.LeftBrace:
                return ParseDict(token.Position);
            default:
                throw Error(token, $"Unexpected {Describe(token)}");
        }
    }

    private List<Expression> ParseItems(TokenKind close, string closeText)
    {
        var items = new List<Expression>();
        while (!Accept(close))
        {
            items.Add(ParseExpression());
            if (!Is(close))
            {
                Expect(TokenKind.Comma, $"',' or {closeText}");
            }
        }

        return items;
    }

    private DictExpression ParseDict(int position)
    {
        var entries = new List<(Expression, Expression)>();
        while (!Accept(TokenKind.RightBrace))
        {
            var key = ParseExpression();
            Expect(TokenKind.Colon, "':' between a key and its value");
            entries.Add((key, ParseExpression()));
            if (!Is(TokenKind.RightBrace))
            {
                Expect(TokenKind.Comma, "',' or '}'");
            }
        }

        return new DictExpression(position, entries);
    }

    private long ParseInteger(Token token) =>
        long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(token, $"Integer literal {token.Value} is too large");
}
