using System.Globalization;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// The three ways the reference implementation turns values into text: what <c>{{ }}</c> prints, a value's own
/// string form (inside lists, <c>|string</c>), and JavaScript's <c>String(raw)</c> that <c>~</c>, <c>+</c> and <c>join</c> use.
/// </summary>
internal static class ValueFormatter
{
    /// <summary>What <c>{{ value }}</c> prints: none and undefined print nothing, lists and mappings print as JSON.</summary>
    public static string Output(object? value) => value switch
    {
        string s => s,
        null or Undefined => string.Empty,
        _ => Display(value),
    };

    /// <summary>A value's string form: <c>true</c>, <c>1.0</c>, <c>[1, "a"]</c>, <c>null</c>.</summary>
    public static string Display(object? value) => value switch
    {
        string s => s,
        null => "null",
        Undefined => "undefined",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => JsNumber.FormatFloat(d),
        IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Namespace => JsonFormatter.Format(value, JsonOptions.Display),
        TemplateCallable callable => $"<function {callable.Name}>",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>JavaScript's <c>String(raw)</c>: floats lose <c>.0</c>, lists join their items' string forms with commas.</summary>
    public static string Concatenable(object? value) => value switch
    {
        string s => s,
        double d => JsNumber.Format(d),
        IReadOnlyList<object?> list => string.Join(',', list.Select(item => Display(Values.Normalize(item)))),
        IReadOnlyDictionary<string, object?> or Namespace => "[object Map]",
        _ => Display(value),
    };
}
