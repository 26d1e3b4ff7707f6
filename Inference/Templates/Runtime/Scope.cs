namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Variables of one level: the render's globals, a <c>for</c> loop's body, a macro call. <c>set</c> writes the
/// innermost level, so a loop's assignments do not leak out (hence <c>namespace()</c>); lookups walk outwards.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public Scope? Parent { get; } = parent;

    public void Set(string name, object? value) => _variables[name] = value;
}
