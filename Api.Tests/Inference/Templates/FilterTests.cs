using Platform.Inference.Templates;
using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Built-in filters.</summary>
public sealed class FilterTests
{
    private static readonly object?[] People =
    [
        Map(("name", "bob"), ("age", 30L), ("admin", true)),
        Map(("name", "Al"), ("age", 25L), ("admin", false)),
        Map(("name", "cy"), ("age", 35L)),
    ];

    [Fact]
    public void ToJson_NestedValues_UsesPythonSpacingAndKeepsKeyOrder()
    {
        var value = Map(("z", 1L), ("a", new object?[] { 1L, 2.5, "x\"y\\", null, true }), ("m", Map()));

        Assert.Equal("{\"z\": 1, \"a\": [1, 2.5, \"x\\\"y\\\\\", null, true], \"m\": {}}", Render("{{ v|tojson }}", ("v", value)));
    }

    [Fact]
    public void ToJson_Indent_BreaksLinesWithCompactItemSeparator()
    {
        var value = Map(("a", 1L), ("b", new object?[] { 1L, Map(("c", "d")) }), ("e", Array.Empty<object?>()));

        Assert.Equal(
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    {\n      \"c\": \"d\"\n    }\n  ],\n  \"e\": []\n}",
            Render("{{ v|tojson(indent=2) }}", ("v", value)));
    }

    [Theory]
    [InlineData("{{ 'é☕'|tojson }}", "\"é☕\"")]
    [InlineData("{{ 'é'|tojson(ensure_ascii=true) }}", "\"\\u00e9\"")]
    [InlineData("{{ 'a\nb\u0001'|tojson }}", "\"a\\nb\\u0001\"")]
    [InlineData("{{ 2.0|tojson }}{{ 0.5|tojson }}", "20.5")]
    [InlineData("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}", "{\"a\": 2, \"b\": 1}")]
    [InlineData("{{ [1, 2]|tojson(separators=(',', ':')) }}", "[1,2]")]
    [InlineData("{{ nothing|tojson }}", "null")]
    public void ToJson_Scalars_EncodeLikeJavaScript(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{ '  a b  '|trim }}|{{ 'xxaxx'|trim('x') }}", "a b|a")]
    [InlineData("{{ 'ab'|upper }}{{ 'AB'|lower }}{{ 'hello wORLD'|title }}{{ 'hELLO'|capitalize }}", "ABabHello WORLDHELLO")]
    [InlineData("{{ 'abc'|length }}{{ [1, 2]|count }}{{ {'a': 1}|length }}", "321")]
    [InlineData("{{ nothing|default('d') }}|{{ ''|default('d') }}|{{ ''|default('d', true) }}|{{ none|default('d') }}|{{ nothing|d('e') }}", "d||d||e")]
    [InlineData("{{ [3, 1, 2]|first }}{{ [3, 1, 2]|last }}{{ []|first }}", "32")]
    [InlineData("{{ [1, 2.0, none, 'a']|join(',') }}|{{ ['a', 'b']|join }}|{{ 'abc'|join('-') }}", "1,2,,a|ab|a-b-c")]
    [InlineData("{{ 'aXbX'|replace('X', '-') }}|{{ 'aXbX'|replace('X', '-', 1) }}", "a-b-|a-bX")]
    [InlineData("{{ 'ab'|list }}{{ [1, 2]|reverse }}{{ 'abc'|reverse }}", "[\"a\", \"b\"][2, 1]cba")]
    [InlineData("{{ ['b', 'A', 'c']|sort }}{{ ['b', 'A', 'c']|sort(case_sensitive=true) }}{{ [3, 1, 2]|sort(reverse=true) }}", "[\"A\", \"b\", \"c\"][\"A\", \"b\", \"c\"][3, 2, 1]")]
    [InlineData("{{ [1, 2, 1, 'a', 'a']|unique }}", "[1, 2, \"a\"]")]
    [InlineData("{{ '12'|int + 1 }}|{{ 'x'|int }}|{{ 'x'|int(7) }}|{{ 3.9|int }}|{{ '2.5'|float }}|{{ 2|float }}", "13|0|7|3|2.5|2.0")]
    [InlineData("{{ -3|abs }}{{ (-2.5)|abs }}{{ 2.567|round(2) }}{{ 2.5|round }}", "32.52.572.0")]
    [InlineData("{{ 1|string ~ 1.0|string ~ true|string ~ [1]|string }}", "11.0true[1]")]
    [InlineData("{{ 'a\nb\n\nc'|indent(2) }}|{{ 'a\nb'|indent(2, true) }}", "a\n  b\n\n  c|  a\n  b")]
    [InlineData("{{ 'one two, three'|wordcount }}", "3")]
    [InlineData("{{ '<a href=\"x\">'|escape }}{{ '&'|e }}{{ '<b>'|safe }}", "&lt;a href=&#34;x&#34;&gt;&amp;<b>")]
    [InlineData("{{ [1, 2, 3]|batch(2) }}{{ [1, 2, 3]|batch(2, 0) }}", "[[1, 2], [3]][[1, 2], [3, 0]]")]
    [InlineData("{{ {'b': 1, 'a': 2}|dictsort }}{{ {'b': 1, 'a': 2}|items }}", "[[\"a\", 2], [\"b\", 1]][[\"b\", 1], [\"a\", 2]]")]
    [InlineData("{{ [1, 2, 3, 4]|select('odd') }}{{ [0, 1, '']|select }}{{ [1, 2, 3]|reject('even') }}", "[1, 3][1][1, 3]")]
    [InlineData("{{ ['a', 'b']|map('upper')|join }}", "AB")]
    [InlineData("{% filter upper %}shout {{ 'this' }}{% endfilter %}", "SHOUT THIS")]
    public void Filter_Applied_GivesExpectedText(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void SelectAttr_WithAndWithoutTest_KeepsMatchingMappings()
    {
        Assert.Equal("bob|Al|bob,cy|Al,cy",
            Render(
                "{{ people|selectattr('admin')|map(attribute='name')|join(',') }}|" +
                "{{ people|selectattr('age', 'equalto', 25)|map(attribute='name')|join(',') }}|" +
                "{{ people|rejectattr('age', 'equalto', 25)|map(attribute='name')|join(',') }}|" +
                "{{ people|rejectattr('admin')|map(attribute='name')|join(',') }}",
                ("people", People)));
    }

    [Fact]
    public void MapAndSort_ByAttribute_UseKeysAndDefaults()
    {
        Assert.Equal("Al,bob,cy|cy,bob,Al|true,false,none",
            Render(
                "{{ (people|sort(attribute='name'))|map(attribute='name')|join(',') }}|" +
                "{{ (people|sort(attribute='age', reverse=true))|map(attribute='name')|join(',') }}|" +
                "{{ people|map(attribute='admin', default='none')|join(',') }}",
                ("people", People)));
    }

    [Fact]
    public void Filter_Unknown_ThrowsRenderExceptionWithLocation()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("line one\n{{ 'x'|frobnicate }}"));

        Assert.Contains("frobnicate", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 2, column 1", error.Message, StringComparison.Ordinal);
    }
}
