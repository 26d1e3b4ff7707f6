using Platform.Inference.Templates;
using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Statements: for loops and their variables, set, namespace, if, macros, call blocks.</summary>
public sealed class StatementTests
{
    [Fact]
    public void For_LoopVariables_CountFromBothEnds()
    {
        Assert.Equal(
            "a:1,0,3,2,true,false,3|b:2,1,2,1,false,false,3|c:3,2,1,0,false,true,3|",
            Render("{% for x in ['a', 'b', 'c'] %}{{ x }}:{{ loop.index }},{{ loop.index0 }},{{ loop.revindex }},{{ loop.revindex0 }},{{ loop.first }},{{ loop.last }},{{ loop.length }}|{% endfor %}"));
    }

    [Fact]
    public void For_PrevAndNextItem_AreUndefinedAtTheEnds()
    {
        Assert.Equal("(-a-b)(a-b-c)(b-c-)", Render("{% for x in ['a', 'b', 'c'] %}({{ loop.previtem }}-{{ x }}-{{ loop.nextitem }}){% endfor %}"));
    }

    [Fact]
    public void For_WithCondition_FiltersBeforeCounting()
    {
        Assert.Equal("1/2:1 2/2:3 ", Render("{% for x in [1, 2, 3, 4] if x is odd %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}"));
    }

    [Theory]
    [InlineData("{% for x in [] %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% for x in nothing %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% for x in [1] if false %}x{% else %}none passed{% endfor %}", "none passed")]
    [InlineData("{% for k in {'a': 1, 'b': 2} %}{{ k }}{% endfor %}", "ab")]
    [InlineData("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }} {% endfor %}", "a=1 b=2 ")]
    [InlineData("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }} {% endfor %}", "3 7 ")]
    [InlineData("{% for c in 'hé' %}[{{ c }}]{% endfor %}", "[h][é]")]
    [InlineData("{% for x in range(5) %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}", "02")]
    [InlineData("{% for x in [1, 2] %}{% for y in ['a', 'b'] %}{{ x }}{{ y }}{{ loop.index }} {% endfor %}{{ loop.index }}|{% endfor %}", "1a1 1b2 1|2a1 2b2 2|")]
    [InlineData("{% for x in range(1, 10, 3) %}{{ x }}{% endfor %}{% for x in range(3, 0, -1) %}{{ x }}{% endfor %}", "147321")]
    public void For_Variants_IterateAsJinja(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Set_InsideLoop_DoesNotLeakButNamespaceDoes()
    {
        Assert.Equal(
            "outer|3|a-b-c",
            Render("{% set x = 'outer' %}{% set ns = namespace(count=0, text='') %}{% for i in ['a', 'b', 'c'] %}{% set x = i %}" +
                   "{% set ns.count = ns.count + 1 %}{% set ns.text = ns.text ~ ('-' if ns.text else '') ~ i %}{% endfor %}{{ x }}|{{ ns.count }}|{{ ns.text }}"));
    }

    [Theory]
    [InlineData("{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12")]
    [InlineData("{% set (a, b) = [3, 4] %}{{ a }}{{ b }}", "34")]
    [InlineData("{% set block %}x{{ 1 + 1 }}y{% endset %}[{{ block }}]", "[x2y]")]
    [InlineData("{% if true %}{% set inside = 'yes' %}{% endif %}{{ inside }}", "yes")]
    [InlineData("{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}{{ ns.missing }}", "12")]
    [InlineData("{% set d = dict(a=1, b='x') %}{{ d|tojson }}", "{\"a\": 1, \"b\": \"x\"}")]
    public void Set_Forms_AssignValues(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData(1L, "one")]
    [InlineData(2L, "two")]
    [InlineData(3L, "many")]
    public void If_ElifElse_PicksFirstTrueBranch(long n, string expected) =>
        Assert.Equal(expected, Render("{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %}", ("n", n)));

    [Fact]
    public void Macro_DefaultsKeywordsAndVarargs_BindLikeJinja()
    {
        Assert.Equal(
            "<a|d>|<a|k>|<1|2>[3]{\"z\": 4}",
            Render("{% macro m(x, y='d') %}<{{ x }}|{{ y }}>{% endmacro %}{% macro v(p, q) %}<{{ p }}|{{ q }}>{{ varargs }}{{ kwargs|tojson }}{% endmacro %}" +
                   "{{ m('a') }}|{{ m('a', y='k') }}|{{ v(1, 2, 3, z=4) }}"));
    }

    [Fact]
    public void CallBlock_Caller_RendersBodyInsideMacro()
    {
        Assert.Equal("<div>Hi Ann</div>", Render("{% macro wrap() %}<div>{{ caller() }}</div>{% endmacro %}{% call wrap() %}Hi {{ name }}{% endcall %}", ("name", "Ann")));
    }

    [Fact]
    public void GenerationTags_RenderNothing()
    {
        Assert.Equal("ab", Render("a{% generation %}b{% endgeneration %}"));
    }

    [Fact]
    public void RaiseException_InsideLoopAndMacro_CarriesMessageExactly()
    {
        var error = Assert.Throws<TemplateRaisedException>(() =>
            Render("{% macro fail(m) %}{{ raise_exception('Bad role: ' ~ m) }}{% endmacro %}{% for x in ['ok', 'tool'] %}{% if x == 'tool' %}{{ fail(x) }}{% endif %}{% endfor %}"));

        Assert.Equal("Bad role: tool", error.Message);
    }

    [Fact]
    public void StrftimeNow_FakeClock_FormatsItsLocalTime()
    {
        var template = ChatTemplate.Parse("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %%') }}");
        var clock = new FixedClock(new DateTimeOffset(2024, 7, 5, 14, 3, 9, TimeSpan.Zero));

        var text = template.Render(new ChatTemplateContext { Messages = [], Clock = clock });

        Assert.Equal("05 Jul 2024|2024-07-05 14:03:09 Friday July 187 %", text);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
