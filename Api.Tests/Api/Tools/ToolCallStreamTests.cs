using Platform.Api.Tools;
using Platform.Inference.Constraints.Tools;

namespace Platform.Api.Tests.Api.Tools;

/// <summary>Generated text split into content and tool calls, in both syntaxes, however the text is chunked.</summary>
public sealed class ToolCallStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Hermes_TwoCallsAfterText_ContentThenCallsAndNoMarkup(int chunkSize)
    {
        const string Text = "Let me check.<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\":1}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", \"arguments\": {}}\n</tool_call>";

        var (events, stream) = Run(ToolCallSyntax.Hermes, Text, chunkSize);

        Assert.Equal("Let me check.", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
        var calls = events.OfType<CallEvent>().ToList();
        Assert.Equal([0, 1], calls.Select(c => c.Index).Distinct());
        Assert.Equal(["a", "b"], calls.Where(c => c.Id is not null).Select(c => c.Name));
        Assert.Equal(["{\"x\":1}", "{}"], Arguments(calls));
        Assert.All(calls.Where(c => c.Id is not null), c => Assert.StartsWith("call_", c.Id, StringComparison.Ordinal));
        Assert.Equal(2, stream.CompletedCount);
    }

    [Fact]
    public void Hermes_OneCharacterAtATime_ArgumentsArriveAsTheyAreWritten()
    {
        const string Arguments = "{\"city\":\"Paris \\\"centre\\\"\",\"days\":[1,2],\"unit\":null}";
        var text = $"<tool_call>\n{{\"name\": \"get_weather\", \"arguments\": {Arguments}}}\n</tool_call>";

        var (events, _) = Run(ToolCallSyntax.Hermes, text, 1);

        var calls = events.OfType<CallEvent>().ToList();
        // The first fragment names the call before any argument is known; then one fragment per character.
        Assert.Equal("get_weather", calls[0].Name);
        Assert.Equal(string.Empty, calls[0].Arguments);
        Assert.Equal(Arguments.Length, calls.Count - 1);
        Assert.All(calls.Skip(1), c => Assert.Null(c.Id));
        Assert.Equal(Arguments, string.Concat(calls.Select(c => c.Arguments)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public void Phi4_ListOfCalls_EachBecomesACall(int chunkSize)
    {
        const string Text = "<|tool_call|>[{\"name\": \"a\", \"arguments\": {\"q\":\"<\"}}, {\"name\": \"b\", \"arguments\": {}}]<|/tool_call|>";

        var (events, stream) = Run(ToolCallSyntax.Phi4, Text, chunkSize);

        Assert.Empty(events.OfType<ContentEvent>());
        var calls = events.OfType<CallEvent>().ToList();
        Assert.Equal(["a", "b"], calls.Where(c => c.Name is not null).Select(c => c.Name));
        Assert.Equal(["{\"q\":\"<\"}", "{}"], Arguments(calls));
        Assert.Equal(2, stream.CompletedCount);
    }

    [Fact]
    public void ScalarArguments_EndAtTheirDelimiter()
    {
        var (events, _) = Run(ToolCallSyntax.Phi4, "<|tool_call|>[{\"name\": \"a\", \"arguments\": 12}, {\"name\": \"b\", \"arguments\": \"}\"}]<|/tool_call|>", 1);

        Assert.Equal(["12", "\"}\""], Arguments(events.OfType<CallEvent>().ToList()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void KeysInAnotherOrder_BlockIsReadWhole(int chunkSize)
    {
        const string Text = "<tool_call>\n{\"arguments\": {\"x\":2}, \"name\": \"a\"}\n</tool_call>after";

        var (events, stream) = Run(ToolCallSyntax.Hermes, Text, chunkSize);

        var calls = events.OfType<CallEvent>().ToList();
        Assert.Equal("a", calls[0].Name);
        Assert.Equal(["{\"x\":2}"], Arguments(calls));
        Assert.Equal(1, stream.CompletedCount);
        Assert.Equal("after", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
    }

    [Fact]
    public void TextThatOnlyLooksLikeTheMarkup_IsContent()
    {
        var (events, _) = Run(ToolCallSyntax.Hermes, "a <tool and <tool_", 1);

        Assert.Equal("a <tool and <tool_", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
    }

    [Fact]
    public void UnfinishedCall_IsNeverContentAndNeverCompleted()
    {
        var (events, stream) = Run(ToolCallSyntax.Hermes, "Hi<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\":", 4);

        Assert.Equal("Hi", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
        Assert.Equal(1, stream.CallCount);
        Assert.Equal(0, stream.CompletedCount);
    }

    private static List<string> Arguments(List<CallEvent> calls) =>
        [.. calls.GroupBy(c => c.Index).OrderBy(g => g.Key).Select(g => string.Concat(g.Select(c => c.Arguments)))];

    private static (List<ToolCallEvent> Events, ToolCallStream Stream) Run(ToolCallSyntax syntax, string text, int chunkSize)
    {
        var stream = new ToolCallStream(syntax);
        var events = new List<ToolCallEvent>();
        for (var i = 0; i < text.Length; i += chunkSize)
        {
            events.AddRange(stream.Push(text.Substring(i, Math.Min(chunkSize, text.Length - i))));
        }

        events.AddRange(stream.Finish());
        return (events, stream);
    }
}
