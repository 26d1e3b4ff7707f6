namespace Platform.Inference.Templates.Syntax;

internal abstract record Statement(int Position);

internal sealed record TextStatement(int Position, string Text) : Statement(Position);

/// <summary><c>{{ expression }}</c>.</summary>
internal sealed record OutputStatement(int Position, Expression Value) : Statement(Position);

/// <summary><c>if</c>; an <c>elif</c> is a nested <see cref="IfStatement"/> alone in <see cref="Otherwise"/>.</summary>
internal sealed record IfStatement(int Position, Expression Test, IReadOnlyList<Statement> Body, IReadOnlyList<Statement> Otherwise)
    : Statement(Position);

/// <summary><c>for target in iterable [if filter]</c> with an optional <c>else</c> body for an empty loop.</summary>
internal sealed record ForStatement(
    int Position,
    AssignTarget Target,
    Expression Iterable,
    Expression? Filter,
    IReadOnlyList<Statement> Body,
    IReadOnlyList<Statement> Otherwise) : Statement(Position);

/// <summary><c>set target = value</c>, or the block form whose rendered body is the value.</summary>
internal sealed record SetStatement(int Position, AssignTarget Target, Expression? Value, IReadOnlyList<Statement> Body) : Statement(Position);

internal sealed record MacroStatement(int Position, string Name, IReadOnlyList<Parameter> Parameters, IReadOnlyList<Statement> Body)
    : Statement(Position);

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body is the macro's <c>caller()</c>.</summary>
internal sealed record CallBlockStatement(int Position, CallExpression Call, IReadOnlyList<Parameter> CallerParameters, IReadOnlyList<Statement> Body)
    : Statement(Position);

/// <summary><c>{% filter name(args) %}body{% endfilter %}</c>.</summary>
internal sealed record FilterBlockStatement(int Position, string Filter, ArgumentList? Arguments, IReadOnlyList<Statement> Body)
    : Statement(Position);

internal sealed record BreakStatement(int Position) : Statement(Position);

internal sealed record ContinueStatement(int Position) : Statement(Position);

/// <summary>Where <c>set</c> and <c>for</c> store values: a name, names to unpack, or a namespace attribute.</summary>
internal abstract record AssignTarget;

internal sealed record NameTarget(string Name) : AssignTarget;

internal sealed record UnpackTarget(IReadOnlyList<string> Names) : AssignTarget;

internal sealed record AttributeTarget(Expression Namespace, string Attribute) : AssignTarget;
