namespace Platform.Inference.Templates.Runtime;

/// <summary>A <c>namespace()</c>: the one object a template may assign attributes to, so loops can carry state out.</summary>
internal sealed class Namespace(OrderedDictionary<string, object?> attributes)
{
    public OrderedDictionary<string, object?> Attributes { get; } = attributes;
}
