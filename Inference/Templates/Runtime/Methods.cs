namespace Platform.Inference.Templates.Runtime;

/// <summary>Methods called on values: <c>content.strip()</c>, <c>message.get('x')</c>.</summary>
internal static class Methods
{
    public static bool IsStringMethod(string name) => StringMethods.Has(name);

    public static bool IsMappingMethod(string name) => MappingMethods.Has(name);

    public static bool Has(object? target, string name) => target switch
    {
        string => StringMethods.Has(name),
        IReadOnlyDictionary<string, object?> => MappingMethods.Has(name),
        _ => false,
    };

    public static bool TryInvoke(object target, string name, CallArguments arguments, out object? result)
    {
        switch (target)
        {
            case string s when StringMethods.Has(name):
                result = StringMethods.Invoke(s, name, arguments);
                return true;
            case IReadOnlyDictionary<string, object?> map when MappingMethods.Has(name):
                result = MappingMethods.Invoke(map, name, arguments);
                return true;
            default:
                result = null;
                return false;
        }
    }
}
