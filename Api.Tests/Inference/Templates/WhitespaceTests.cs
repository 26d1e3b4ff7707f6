using Platform.Inference.Templates;
using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Whitespace control with transformers' trim_blocks and lstrip_blocks.</summary>
public sealed class WhitespaceTests
{
    [Theory]
    [InlineData("{% if true %}\nx\n{% endif %}\n", "x\n")]
    [InlineData("  {% if true %}x{% endif %}", "x")]
    [InlineData("a\n    {% if true %}x{% endif %}", "a\nx")]
    [InlineData("a  {% if true %}x{% endif %}", "a  x")]
    [InlineData("  {{ 'x' }}", "  x")]
    [InlineData("{{ 'a' }}\nb", "a\nb")]
    [InlineData("x\n", "x")]
    [InlineData("x\n\n", "x\n")]
    [InlineData("{% for m in [1, 2] %}\n  {{ m }}\n{% endfor %}\n", "  1\n  2\n")]
    public void Render_TrimAndLstripBlocks_ApplyToStatementTags(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("a  {%- if true -%}  b  {%- endif %}", "ab")]
    [InlineData("a \n {{- 'x' -}} \n b", "axb")]
    [InlineData("a \n {{- 'x' }} \n b", "ax \n b")]
    [InlineData("{%- if true %}\n  {{- 'x' }}\n{%- endif %}", "x")]
    public void Render_DashMarkers_StripAllWhitespaceOnTheirSide(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("a {# c #} b", "a  b")]
    [InlineData("a {#- c -#} b", "ab")]
    [InlineData("{# c #}\nx", "x")]
    [InlineData("  {# c #}x", "x")]
    [InlineData("a{# multi\nline #}b", "ab")]
    public void Render_Comments_RenderNothing(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Render_QwenStyleIndentedTemplate_LeavesOnlyOutput()
    {
        const string Template = """
            {%- if tools %}
                {{- 'T:' }}
                {%- for tool in tools %}
                    {{- tool.name }}
                {%- endfor %}
            {%- else %}
                {{- 'none' }}
            {%- endif %}

            """;

        var context = new ChatTemplateContext { Messages = [], Tools = [Map(("name", "a")), Map(("name", "b"))] };

        Assert.Equal("T:ab", ChatTemplate.Parse(Template).Render(context));
        Assert.Equal("none", ChatTemplate.Parse(Template).Render(context with { Tools = null }));
    }
}
