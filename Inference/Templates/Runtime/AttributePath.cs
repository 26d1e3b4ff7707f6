using System.Globalization;

namespace Platform.Inference.Templates.Runtime;

/// <summary>The <c>attribute</c> argument of <c>map</c>, <c>sort</c>, <c>join</c>: a dotted path of keys and list indexes (<c>"function.name"</c>, <c>"items.0"</c>).</summary>
internal static class AttributePath
{
    public static object? Get(object? value, object? path)
    {
        var text = path switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => throw new EvaluationException("An attribute must be a string or an integer"),
        };
        foreach (var part in text.Split('.'))
        {
            switch (value)
            {
                case IReadOnlyDictionary<string, object?> map:
                    value = map.TryGetValue(part, out var item) ? Values.Normalize(item) : Undefined.Value;
                    break;
                case Namespace ns:
                    value = ns.Attributes.TryGetValue(part, out var attribute) ? attribute : Undefined.Value;
                    break;
                case IReadOnlyList<object?> list when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < list.Count:
                    value = Values.Normalize(list[index]);
                    break;
                default:
                    return Undefined.Value;
            }
        }

        return value;
    }
}
