using System.Globalization;
using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Syntax;

/// <summary>
/// Expressions, loosest first: conditional, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>,
/// <c>+ - ~</c>, <c>* / // %</c>, <c>**</c>, <c>is</c> tests, <c>|</c> filters, unary sign, then postfix access and calls.
/// </summary>
internal sealed partial class Parser
{
    private Expression ParseExpression()
    {
        EnsureStack();
        var value = ParseOr();
        if (!IsName("if"))
        {
            return value;
        }

        var position = Advance().Position;
        var test = ParseOr();
        if (IsName("else"))
        {
            _current++;
            return new ConditionalExpression(position, test, value, ParseExpression());
        }

        return new ConditionalExpression(position, test, value, null);
    }

    /// <summary>One expression, or a tuple when commas follow (<c>set a, b = 1, 2</c>).</summary>
    private Expression ParseExpressionSequence()
    {
        var first = ParseExpression();
        if (!Is(TokenKind.Comma))
        {
            return first;
        }

        var items = new List<Expression> { first };
        while (Accept(TokenKind.Comma))
        {
            items.Add(ParseExpression());
        }

        return new TupleExpression(first.Position, items);
    }

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or"))
        {
            var position = Advance().Position;
            left = new BinaryExpression(position, BinaryOperator.Or, left, ParseAnd());
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and"))
        {
            var position = Advance().Position;
            left = new BinaryExpression(position, BinaryOperator.And, left, ParseNot());
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (IsName("not"))
        {
            EnsureStack();
            var position = Advance().Position;
            return new UnaryExpression(position, UnaryOperator.Not, ParseNot());
        }

        return ParseComparison();
    }

    private Expression ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            var token = Current;
            BinaryOperator op;
            if (token.IsName("not") && Peek(1).IsName("in"))
            {
                _current += 2;
                op = BinaryOperator.NotIn;
            }
            else if (token.IsName("in"))
            {
                _current++;
                op = BinaryOperator.In;
            }
            else if (ComparisonOperator(token.Kind) is { } comparison)
            {
                _current++;
                op = comparison;
            }
            else
            {
                return left;
            }

            left = new BinaryExpression(token.Position, op, left, ParseAdditive());
        }
    }

    private static BinaryOperator? ComparisonOperator(TokenKind kind) => kind switch
    {
        TokenKind.Equal => BinaryOperator.Equal,
        TokenKind.NotEqual => BinaryOperator.NotEqual,
        TokenKind.Less => BinaryOperator.Less,
        TokenKind.LessEqual => BinaryOperator.LessEqual,
        TokenKind.Greater => BinaryOperator.Greater,
        TokenKind.GreaterEqual => BinaryOperator.GreaterEqual,
        _ => null,
    };

    private Expression ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            var token = Current;
            BinaryOperator op;
            switch (token.Kind)
            {
                case TokenKind.Plus: op = BinaryOperator.Add; break;
                case TokenKind.Minus: op = BinaryOperator.Subtract; break;
                case TokenKind.Tilde: op = BinaryOperator.Concat; break;
                default: return left;
            }

            _current++;
            left = new BinaryExpression(token.Position, op, left, ParseMultiplicative());
        }
    }

    private Expression ParseMultiplicative()
    {
        var left = ParsePower();
        while (true)
        {
            var token = Current;
            BinaryOperator op;
            switch (token.Kind)
            {
                case TokenKind.Star: op = BinaryOperator.Multiply; break;
                case TokenKind.Slash: op = BinaryOperator.Divide; break;
                case TokenKind.SlashSlash: op = BinaryOperator.FloorDivide; break;
                case TokenKind.Percent: op = BinaryOperator.Modulo; break;
                default: return left;
            }

            _current++;
            left = new BinaryExpression(token.Position, op, left, ParsePower());
        }
    }

    private Expression ParsePower()
    {
        // Left-associative, as in Jinja: 2 ** 3 ** 2 is (2 ** 3) ** 2.
        var left = ParseTest();
        while (Is(TokenKind.StarStar))
        {
            var position = Advance().Position;
            left = new BinaryExpression(position, BinaryOperator.Power, left, ParseTest());
        }

        return left;
    }

    private Expression ParseTest()
    {
        var operand = ParseFilter();
        while (IsName("is"))
        {
            var position = Advance().Position;
            var negated = false;
            if (IsName("not"))
            {
                _current++;
                negated = true;
            }

            var name = ExpectName("a test name");
            ArgumentList arguments;
            if (Is(TokenKind.LeftParen))
            {
                arguments = ParseArguments();
            }
            else if (StartsTestArgument())
            {
                // Jinja's one-argument form without parentheses: `x is divisibleby 3`, `x is sameas false`.
                arguments = new ArgumentList([ParsePostfix(ParsePrimary())], []);
            }
            else
            {
                arguments = ArgumentList.Empty;
            }

            operand = new TestExpression(position, operand, name.Value, negated, arguments);
        }

        return operand;
    }

    private bool StartsTestArgument() => Current.Kind switch
    {
        TokenKind.String or TokenKind.Integer or TokenKind.Float or TokenKind.LeftBracket or TokenKind.LeftBrace => true,
        TokenKind.Name => Current.Value is not ("and" or "or" or "else" or "if" or "is" or "not" or "in"),
        _ => false,
    };

    private Expression ParseFilter()
    {
        var operand = ParseUnary();
        while (Is(TokenKind.Pipe))
        {
            var position = Advance().Position;
            var name = ExpectName("a filter name");
            var arguments = Is(TokenKind.LeftParen) ? ParseArguments() : null;
            operand = new FilterExpression(position, operand, name.Value, arguments);
        }

        return operand;
    }

    private Expression ParseUnary()
    {
        var token = Current;
        var next = Peek(1);
        if (token.Kind is TokenKind.Minus or TokenKind.Plus && next.Kind is TokenKind.Integer or TokenKind.Float
            && next.Position == token.Position + 1)
        {
            // A sign touching a number is part of the literal, so `-1.x` is (-1).x as in the reference lexer.
            _current += 2;
            object magnitude = next.Kind == TokenKind.Integer ? (object)ParseInteger(next) : double.Parse(next.Value, CultureInfo.InvariantCulture);
            object value = (token.Kind, magnitude) switch
            {
                (TokenKind.Minus, long l) => (object)-l,
                (TokenKind.Minus, double d) => (object)-d,
                _ => magnitude,
            };
            return ParsePostfix(new LiteralExpression(token.Position, value));
        }

        if (token.Kind is TokenKind.Minus or TokenKind.Plus)
        {
            EnsureStack();
            _current++;
            var op = token.Kind == TokenKind.Minus ? UnaryOperator.Negate : UnaryOperator.Plus;
            return new UnaryExpression(token.Position, op, ParseUnary());
        }

        return ParsePostfix(ParsePrimary());
    }
}
