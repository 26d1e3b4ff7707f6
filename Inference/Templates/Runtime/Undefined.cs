namespace Platform.Inference.Templates.Runtime;

/// <summary>The value of a missing variable, attribute or item: renders as empty, is falsy, and yields itself on attribute access.</summary>
internal sealed class Undefined
{
    private Undefined()
    {
    }

    public static Undefined Value { get; } = new();

    public override string ToString() => string.Empty;
}
