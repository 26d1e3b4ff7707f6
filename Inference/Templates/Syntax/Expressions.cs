namespace Platform.Inference.Templates.Syntax;

/// <summary>An expression; <see cref="Position"/> is its offset in the template, for error messages.</summary>
internal abstract record Expression(int Position);

/// <summary>A string, integer, float, boolean or none literal; the value is already in runtime form.</summary>
internal sealed record LiteralExpression(int Position, object? Value) : Expression(Position);

internal sealed record NameExpression(int Position, string Name) : Expression(Position);

internal sealed record ListExpression(int Position, IReadOnlyList<Expression> Items) : Expression(Position);

internal sealed record TupleExpression(int Position, IReadOnlyList<Expression> Items) : Expression(Position);

internal sealed record DictExpression(int Position, IReadOnlyList<(Expression Key, Expression Value)> Entries) : Expression(Position);

/// <summary><c>obj.name</c>.</summary>
internal sealed record AttributeExpression(int Position, Expression Target, string Name) : Expression(Position);

/// <summary><c>obj[key]</c>, and <c>obj.0</c>.</summary>
internal sealed record IndexExpression(int Position, Expression Target, Expression Key) : Expression(Position);

/// <summary><c>obj[start:stop:step]</c>; absent parts are null.</summary>
internal sealed record SliceExpression(int Position, Expression Target, Expression? Start, Expression? Stop, Expression? Step)
    : Expression(Position);

internal sealed record CallExpression(int Position, Expression Callee, ArgumentList Arguments) : Expression(Position);

/// <summary><c>operand | name</c> or <c>operand | name(args)</c>; <see cref="Arguments"/> is null without parentheses.</summary>
internal sealed record FilterExpression(int Position, Expression Operand, string Name, ArgumentList? Arguments) : Expression(Position);

/// <summary><c>operand is [not] name [args]</c>.</summary>
internal sealed record TestExpression(int Position, Expression Operand, string Name, bool Negated, ArgumentList Arguments)
    : Expression(Position);

internal sealed record UnaryExpression(int Position, UnaryOperator Operator, Expression Operand) : Expression(Position);

internal sealed record BinaryExpression(int Position, BinaryOperator Operator, Expression Left, Expression Right) : Expression(Position);

/// <summary><c>then if test else otherwise</c>; without <c>else</c> the value is undefined when the test fails.</summary>
internal sealed record ConditionalExpression(int Position, Expression Test, Expression Then, Expression? Otherwise) : Expression(Position);

internal enum UnaryOperator
{
    Not,
    Negate,
    Plus,
}

internal enum BinaryOperator
{
    And,
    Or,
    Add,
    Subtract,
    Concat,
    Multiply,
    Divide,
    FloorDivide,
    Modulo,
    Power,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    In,
    NotIn,
}
