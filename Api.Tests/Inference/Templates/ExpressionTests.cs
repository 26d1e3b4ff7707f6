using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Operators, literals, access and slicing.</summary>
public sealed class ExpressionTests
{
    [Theory]
    [InlineData("{{ 7 / 2 }}", "3.5")]
    [InlineData("{{ 6 / 2 }}", "3.0")]
    [InlineData("{{ 7 // 2 }}", "3")]
    [InlineData("{{ -7 // 2 }}", "-4")]
    [InlineData("{{ 7.5 // 2 }}", "3.0")]
    [InlineData("{{ 7 % 3 }}", "1")]
    [InlineData("{{ -7 % 3 }}", "2")]
    [InlineData("{{ 2 ** 10 }}", "1024")]
    [InlineData("{{ 2 ** 3 ** 2 }}", "64")]
    [InlineData("{{ 2 ** -1 }}", "0.5")]
    [InlineData("{{ 1 + 2.0 }}", "3.0")]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ (1 + 2) * 3 }}", "9")]
    [InlineData("{{ 0.1 + 0.2 }}", "0.30000000000000004")]
    [InlineData("{{ -(3) }}", "-3")]
    [InlineData("{{ true + 1 }}", "2")]
    public void Render_Arithmetic_FollowsPython(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ 'a' ~ 1 ~ 2.0 ~ true }}", "a12true")]
    [InlineData("{{ 'a' + 1 }}", "a1")]
    [InlineData("{{ 'ab' * 2 }}", "abab")]
    [InlineData("{{ [1] + [2] }}", "[1, 2]")]
    [InlineData("{{ 'a' 'b' }}", "ab")]
    [InlineData("{{ 'it\\'s' ~ \"\\t\" ~ '\\u00e9' }}", "it's\té")]
    public void Render_Concatenation_JoinsStringForms(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ 1 < 2 }}{{ 2 <= 1 }}{{ 3 > 2 }}{{ 2 >= 2 }}", "truefalsetruetrue")]
    [InlineData("{{ 'a' == 'a' }}{{ 'a' != 'b' }}{{ 1 == 1.0 }}", "truetruetrue")]
    [InlineData("{{ 'a' < 'b' }}", "true")]
    [InlineData("{{ 'b' in 'abc' }}{{ 2 in [1, 2] }}{{ 'k' in {'k': 1} }}{{ 'x' not in [] }}", "truetruetruetrue")]
    [InlineData("{{ 1 in nothing }}{{ 1 not in nothing }}", "falsetrue")]
    [InlineData("{{ none == nothing }}", "true")]
    [InlineData("{{ '1' == 1 }}{{ '' == false }}", "truetrue")]
    [InlineData("{{ [1] == [1] }}", "false")]
    public void Render_Comparison_MatchesReference(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ 0 or 'x' }}", "x")]
    [InlineData("{{ '' and 'y' }}|", "|")]
    [InlineData("{{ 'a' and 'b' }}", "b")]
    [InlineData("{{ not [] }}{{ not 'a' }}", "truefalse")]
    [InlineData("{{ not 1 == 2 }}", "true")]
    [InlineData("{{ [] or {} }}", "{}")]
    [InlineData("{{ 'y' if 1 else 'n' }}{{ 'y' if 0 else 'n' }}", "yn")]
    [InlineData("[{{ 'y' if 0 }}]", "[]")]
    [InlineData("{{ 'a' if 0 else 'b' if 1 else 'c' }}", "b")]
    public void Render_LogicAndConditionals_ReturnOperands(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ [1, 'a', none, true, 1.5] }}", "[1, \"a\", null, true, 1.5]")]
    [InlineData("{{ {'a': 1, 'b': [2]} }}", "{\"a\": 1, \"b\": [2]}")]
    [InlineData("{{ (1, 2) }}{{ () }}", "[1, 2][]")]
    [InlineData("{{ true }}{{ False }}{{ none }}{{ None }}", "truefalse")]
    [InlineData("{{ 1.0 }} {{ -0.0 }} {{ 3 }} {{ 2.50 }}", "1.0 -0.0 3 2.5")]
    [InlineData("{{ {'a': {'b': 1}} }}", "{\"a\": {\"b\": 1}}")]
    public void Render_Literals_PrintLikeReference(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Render_AttributeAndItemAccess_ReadMappingsAndLists()
    {
        var d = Map(("a", 1L), ("list", new object?[] { "x", "y", "z" }), ("nested", Map(("k", "v"))));

        Assert.Equal("1|1|z|x|v|v|3", Render("{{ d.a }}|{{ d['a'] }}|{{ d.list[-1] }}|{{ d.list.0 }}|{{ d.nested.k }}|{{ d['nested']['k'] }}|{{ d.list|length }}", ("d", d)));
    }

    [Theory]
    [InlineData("{{ [1, 2, 3, 4][1:3] }}", "[2, 3]")]
    [InlineData("{{ [1, 2, 3, 4][::-1] }}", "[4, 3, 2, 1]")]
    [InlineData("{{ [1, 2, 3, 4, 5][::2] }}", "[1, 3, 5]")]
    [InlineData("{{ [1, 2, 3][-2:] }}", "[2, 3]")]
    [InlineData("{{ [1, 2, 3][:-1] }}", "[1, 2]")]
    [InlineData("{{ [1, 2, 3][5:] }}", "[]")]
    [InlineData("{{ 'hello'[::-1] }}|{{ 'hello'[1:] }}|{{ 'hello'[:2] }}|{{ 'hello'[-1] }}", "olleh|ello|he|o")]
    [InlineData("{{ [1, 2, 3, 4][3:0:-1] }}", "[4, 3, 2]")]
    public void Render_Slice_FollowsPython(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ ' x '.strip() }}|{{ ' x '.lstrip() }}|{{ ' x '.rstrip() }}", "x|x | x")]
    [InlineData("{{ 'a,b,,c'.split(',') }}", "[\"a\", \"b\", \"\", \"c\"]")]
    [InlineData("{{ ' a  b '.split() }}", "[\"a\", \"b\"]")]
    [InlineData("{{ 'a,b,c'.split(',', 1) }}", "[\"a\", \"b,c\"]")]
    [InlineData("{{ 'Hello'.startswith('He') }}{{ 'Hello'.endswith(('x', 'lo')) }}", "truetrue")]
    [InlineData("{{ 'ab'.upper() }}{{ 'AB'.lower() }}{{ 'hello world'.title() }}{{ 'hello'.capitalize() }}", "ABabHello WorldHello")]
    [InlineData("{{ 'aaa'.replace('a', 'b', 2) }}", "bba")]
    [InlineData("{{ ', '.join(['a', 'b']) }}", "a, b")]
    [InlineData("{{ 'abc'.length }}", "3")]
    public void Render_StringMethods_BehaveLikePython(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Render_StripWithCharacters_StripsAllWhitespaceLikeReference()
    {
        // @huggingface/jinja ignores strip's argument; Qwen3's `strip('\n')` therefore drops spaces too.
        Assert.Equal("[x]", Render("[{{ ' \nx \n'.strip('\\n') }}]"));
    }

    [Fact]
    public void Render_MappingMethods_ReadKeysValuesAndDefaults()
    {
        var d = Map(("a", 1L), ("b", "x"));

        Assert.Equal("1|5||[\"a\", \"b\"]|[1, \"x\"]|a=1;b=x;",
            Render("{{ d.get('a') }}|{{ d.get('z', 5) }}|{{ d.get('z') }}|{{ d.keys() }}|{{ d.values() }}|{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", ("d", d)));
    }

    [Fact]
    public void Render_KeyShadowingMethodName_ReturnsTheKey()
    {
        Assert.Equal("mine", Render("{{ d.items }}", ("d", Map(("items", "mine")))));
    }
}
