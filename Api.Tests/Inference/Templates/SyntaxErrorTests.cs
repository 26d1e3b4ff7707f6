using Platform.Inference.Templates;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Templates that do not parse throw <see cref="TemplateSyntaxException"/> naming the line and column.</summary>
public sealed class SyntaxErrorTests
{
    [Theory]
    [InlineData("{% if x %}never closed", "line 1, column 23", "endif")]
    [InlineData("ok\n{{ 1 + }}", "line 2, column 8", "'}}'")]
    [InlineData("a\nb\n  {% frobnicate %}", "line 3, column 6", "frobnicate")]
    [InlineData("{{ 'unterminated }}", "line 1, column 4", "string")]
    [InlineData("text {{ x ", "line 1, column 6", "'}}'")]
    [InlineData("{# never closed", "line 1, column 1", "comment")]
    [InlineData("{% endfor %}", "line 1, column 4", "endfor")]
    [InlineData("{% break %}", "line 1, column 4", "outside a loop")]
    [InlineData("{% for x in y %}{% else %}{% endif %}", "line 1, column 30", "endfor")]
    [InlineData("{{ x | }}", "line 1, column 8", "filter name")]
    [InlineData("{{ 'a' ! 'b' }}", "line 1, column 8", "'!'")]
    [InlineData("{% set 1 = 2 %}", "line 1, column 8", "assign")]
    [InlineData("{{ f(a=1, 2) }}", "line 1, column 11", "Positional")]
    public void Parse_InvalidTemplate_ThrowsWithLocation(string template, string location, string fragment)
    {
        var error = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(template));

        Assert.Contains(location, error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_RuntimeError_NamesTheFailingTag()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}\n{{ m.content - 1 }}{% endfor %}");

        var error = Assert.Throws<TemplateRenderException>(() => template.Render(new ChatTemplateContext
        {
            Messages = [TemplateHarness.Message("user", "hi")],
        }));

        Assert.Contains("line 2, column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DivisionByZero_ThrowsRenderException()
    {
        Assert.Throws<TemplateRenderException>(() => TemplateHarness.Render("{{ 1 / 0 }}"));
    }

    [Fact]
    public void Parse_DeeplyNestedParentheses_ThrowsInsteadOfOverflowing()
    {
        var template = "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}";

        var error = Assert.Throws<TemplateSyntaxException>(() => ChatTemplate.Parse(template));

        Assert.Contains("nests too deeply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MacroCallingItself_ThrowsInsteadOfOverflowing()
    {
        var template = ChatTemplate.Parse("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");

        Assert.Throws<TemplateRenderException>(() => template.Render(new ChatTemplateContext { Messages = [] }));
    }
}
