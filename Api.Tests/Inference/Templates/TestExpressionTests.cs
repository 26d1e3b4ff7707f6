using static Platform.Api.Tests.Inference.Templates.TemplateHarness;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>The <c>is</c> tests.</summary>
public sealed class TestExpressionTests
{
    [Theory]
    [InlineData("{{ x is defined }}{{ nothing is defined }}{{ nothing is undefined }}", "truefalsetrue")]
    [InlineData("{{ none is none }}{{ 0 is none }}{{ x is not none }}", "truefalsetrue")]
    [InlineData("{{ 'a' is string }}{{ 1 is string }}", "truefalse")]
    [InlineData("{{ 1 is number }}{{ 1.5 is number }}{{ true is number }}{{ 1 is integer }}{{ 1.5 is integer }}{{ 1.5 is float }}", "truetruefalsetruefalsetrue")]
    [InlineData("{{ true is boolean }}{{ true is true }}{{ false is false }}{{ 1 is true }}", "truetruetruefalse")]
    [InlineData("{{ {} is mapping }}{{ [] is mapping }}{{ [] is iterable }}{{ 'a' is iterable }}{{ {} is iterable }}", "truefalsetruetruefalse")]
    [InlineData("{{ [] is sequence }}{{ {} is sequence }}{{ 1 is sequence }}", "truetruefalse")]
    [InlineData("{{ 3 is odd }}{{ 3 is even }}{{ 4 is even }}", "truefalsetrue")]
    [InlineData("{{ 9 is divisibleby(3) }}{{ 9 is divisibleby 4 }}", "truefalse")]
    [InlineData("{{ 1 is eq 1 }}{{ 1 is equalto(2) }}{{ 'a' is ne('b') }}{{ 3 is gt 2 }}{{ 3 is le(2) }}{{ 2 is in [1, 2] }}", "truefalsetruetruefalsetrue")]
    [InlineData("{{ 'abc' is lower }}{{ 'ABC' is upper }}{{ 'aBc' is lower }}", "truetruefalse")]
    [InlineData("{{ range is callable }}{{ 'x' is callable }}", "truefalse")]
    [InlineData("{{ x is defined and x is string }}", "true")]
    [InlineData("{{ 'y' if x is defined else 'n' }}", "y")]
    public void Test_Applied_GivesBoolean(string template, string expected) => Assert.Equal(expected, Render(template, ("x", "value")));
}
