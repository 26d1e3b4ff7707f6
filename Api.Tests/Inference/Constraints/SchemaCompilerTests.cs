using System.Text;
using System.Text.Json;
using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Schema;
using Platform.Inference.Constraints.Tools;

namespace Platform.Api.Tests.Inference.Constraints;

/// <summary>The schema subset, its strict rules, and what the compiled grammar accepts byte by byte.</summary>
public sealed class SchemaCompilerTests
{
    private const string Person = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"nick":{"type":["string","null"]}},"required":["name","age","nick"],"additionalProperties":false}
        """;

    [Theory]
    [InlineData("""{"type":"string","pattern":"a+"}""", "pattern")]
    [InlineData("""{"type":"string","format":"email"}""", "format")]
    [InlineData("""{"type":"integer","minimum":3}""", "minimum")]
    [InlineData("""{"oneOf":[{"type":"string"}]}""", "oneOf")]
    [InlineData("""{"allOf":[{"type":"string"}]}""", "allOf")]
    [InlineData("""{"type":"object","patternProperties":{}}""", "patternProperties")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", "additionalProperties")]
    [InlineData("""{"$ref":"http://example.com/x"}""", "$ref")]
    public void Compile_KeywordOutsideTheSubset_NamesIt(string schema, string keyword)
    {
        var error = Assert.Throws<GrammarException>(() => Compile(schema, strict: false));

        Assert.Equal(keyword, error.Keyword);
        Assert.Contains($"'{keyword}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""", "additionalProperties")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}""", "required")]
    public void Compile_StrictRuleBroken_NamesTheKeyword(string schema, string keyword)
    {
        Assert.Equal(keyword, Assert.Throws<GrammarException>(() => Compile(schema, strict: true)).Keyword);
        Compile(schema, strict: false);
    }

    [Fact]
    public void Compile_RecursionThatConsumesNothing_IsRejected()
    {
        Assert.Throws<GrammarException>(() => Compile("""{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""", strict: false));
    }

    [Theory]
    [InlineData("""{"name":"Ann","age":-12,"nick":null}""", true)]
    [InlineData("""{"name":"\u00e9t\u00e9 \ud83d\ude00","age":0,"nick":"x"}""", true)]
    [InlineData("""{"name":"Ann","age":1.5,"nick":null}""", false)]
    [InlineData("""{"name":"Ann","age":01,"nick":null}""", false)]
    [InlineData("""{"age":1,"name":"Ann","nick":null}""", false)]
    [InlineData("""{"name":"Ann","age":1}""", false)]
    public void Grammar_Instances_AcceptedExactlyWhenValid(string json, bool valid)
    {
        var state = GrammarState.Start(Compile(Person, strict: true)).Feed(Encoding.UTF8.GetBytes(json));

        Assert.Equal(valid, state is { IsComplete: true });
    }

    [Fact]
    public void Grammar_Utf8_ChecksEveryByteOfACharacter()
    {
        var start = GrammarState.Start(Compile("""{"type":"string"}""", strict: false)).Feed("\""u8)!;

        Assert.NotNull(start.Feed([0xE2, 0x82]));
        Assert.Null(start.Feed([0xE0, 0x80])); // overlong
        Assert.Null(start.Feed([0xED, 0xA0])); // surrogate
        Assert.Null(start.Feed([0xC0]));
        Assert.Equal(3, start.Feed([0xF0, 0x9F])!.MinRemaining); // two continuation bytes and the closing quote
    }

    [Fact]
    public void MinLength_IsTheShortestValidText()
    {
        var grammar = Compile(Person, strict: true);

        // The nullable string's shortest form is "" (two bytes), not null.
        Assert.Equal("""{"name":"","age":0,"nick":""}""".Length, GrammarState.Start(grammar).MinRemaining);
    }

    [Fact]
    public void ToolCalls_HermesForced_AcceptsACallAndNothingElse()
    {
        using var parameters = JsonDocument.Parse(Person);
        var grammar = ToolCallGrammar.Calls(ToolCallSyntax.Hermes, [new ToolGrammarFunction("who", parameters.RootElement.Clone(), true)], parallel: false);
        var start = GrammarState.Start(grammar);

        var call = "<tool_call>\n{\"name\": \"who\", \"arguments\": {\"name\":\"A\",\"age\":3,\"nick\":null}}\n</tool_call>";
        Assert.True(start.Feed(Encoding.UTF8.GetBytes(call)) is { IsComplete: true, CanContinue: false });
        Assert.Null(start.Feed("Hello"u8));
        Assert.Null(start.Feed("<tool_call>\n{\"name\": \"other\""u8));
    }

    [Fact]
    public void ToolCalls_Phi4Parallel_AcceptsAListOfCalls()
    {
        var grammar = ToolCallGrammar.Calls(ToolCallSyntax.Phi4, [new ToolGrammarFunction("a", null, false), new ToolGrammarFunction("b", null, false)], parallel: true);
        var start = GrammarState.Start(grammar);

        Assert.True(start.Feed("<|tool_call|>[{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\", \"arguments\": {\"k\":[1,true]}}]<|/tool_call|>"u8) is { IsComplete: true, CanContinue: false });
        Assert.Null(start.Feed("<|tool_call|>{"u8));
        Assert.Equal(ToolCallSyntax.Phi4, ToolCallSyntax.Detect(File.ReadAllText(Platform.Api.Tests.Inference.Templates.ChatTemplateVectors.TemplatePath("phi4-mini.jinja"))));
        Assert.Equal(ToolCallSyntax.Hermes, ToolCallSyntax.Detect(File.ReadAllText(Platform.Api.Tests.Inference.Templates.ChatTemplateVectors.TemplatePath("qwen3.jinja"))));
        Assert.Null(ToolCallSyntax.Detect(File.ReadAllText(Platform.Api.Tests.Inference.Templates.ChatTemplateVectors.TemplatePath("llama3.jinja"))));
    }

    [Fact]
    public void ToolCalls_AutoText_CannotContainTheMarkupExceptAsACall()
    {
        var grammar = ToolCallGrammar.TextOrCalls(ToolCallSyntax.Hermes, [new ToolGrammarFunction("f", null, false)], parallel: true);
        var start = GrammarState.Start(grammar);

        Assert.True(start.Feed("Some <tool text"u8) is { IsComplete: true });
        Assert.Null(start.Feed("Hi <tool_call>x"u8));
        Assert.True(start.Feed("Hi <tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>"u8) is { IsComplete: true });
        Assert.Null(GrammarState.Start(ToolCallGrammar.TextOnly(ToolCallSyntax.Hermes)).Feed("a<tool_call>"u8));
    }

    private static GrammarNode Compile(string schema, bool strict)
    {
        using var document = JsonDocument.Parse(schema);
        return SchemaCompiler.Compile(document.RootElement.Clone(), strict);
    }
}
