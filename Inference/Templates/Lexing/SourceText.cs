namespace Platform.Inference.Templates.Lexing;

/// <summary>Turns an offset in the template into the "line L, column C" that error messages carry.</summary>
internal static class SourceText
{
    public static string Describe(string source, int position)
    {
        position = Math.Clamp(position, 0, source.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return $"line {line}, column {position - lineStart + 1}";
    }

    public static TemplateSyntaxException Error(string source, int position, string message) =>
        new($"{message} (at {Describe(source, position)})");
}
