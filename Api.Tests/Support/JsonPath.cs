using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Api.Tests.Support;

/// <summary>Builds JSONPath-style locations for errors: <c>$.choices[0].message</c>, <c>$.categories['hate/threatening']</c>;
/// names that are not identifiers go in brackets, escaped as JSON strings are.</summary>
internal static partial class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        Identifier().IsMatch(name)
            ? $"{parent}.{name}"
            : $"{parent}['{JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString().Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string parent, int index) => string.Create(CultureInfo.InvariantCulture, $"{parent}[{index}]");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
