using Platform.Inference.Templates;
using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Undefined values: empty when printed, falsy, and undefined again on attribute access.</summary>
public sealed class UndefinedTests
{
    [Theory]
    [InlineData("[{{ nothing }}]", "[]")]
    [InlineData("[{{ nothing.attr.deeper }}]", "[]")]
    [InlineData("[{{ nothing['k'] }}{{ nothing[0] }}]", "[]")]
    [InlineData("[{{ d.missing }}{{ d['missing'] }}{{ [1][5] }}]", "[]")]
    [InlineData("[{{ none.attr }}]", "[]")]
    [InlineData("{% if nothing %}yes{% else %}no{% endif %}", "no")]
    [InlineData("{% if not nothing.x %}falsy{% endif %}", "falsy")]
    [InlineData("{{ nothing|default('dflt') }}{{ nothing|length }}{{ nothing|trim }}", "dflt0")]
    [InlineData("{{ 'a' ~ nothing ~ 'b' }}", "ab")]
    [InlineData("{{ nothing is defined }}{{ d.missing is undefined }}", "falsetrue")]
    [InlineData("[{{ d.x if d.x }}]", "[]")]
    public void Render_Undefined_IsEmptyAndFalsy(string template, string expected) => Assert.Equal(expected, Render(template, ("d", Map(("x", string.Empty)))));

    [Theory]
    [InlineData("{{ nothing + 1 }}")]
    [InlineData("{{ 'a' + nothing }}")]
    [InlineData("{{ nothing() }}")]
    [InlineData("{{ nothing.strip() }}")]
    public void Render_UndefinedInArithmeticOrCall_ThrowsRenderException(string template) =>
        Assert.Throws<TemplateRenderException>(() => Render(template));

    [Fact]
    public void Render_MissingMessageField_IsUndefinedNotError()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}{{ m.role }}:{{ m.name|default('anon') }}{% if m.tool_calls %}+tools{% endif %};{% endfor %}");

        var text = template.Render(new ChatTemplateContext { Messages = [Message("user", "hi")] });

        Assert.Equal("user:anon;", text);
    }

    [Fact]
    public void Render_MissingSpecialTokens_RenderEmpty()
    {
        var template = ChatTemplate.Parse("[{{ bos_token }}{{ eos_token }}]{{ tools is none }}{{ add_generation_prompt }}");

        Assert.Equal("[]truefalse", template.Render(new ChatTemplateContext { Messages = [] }));
    }
}
