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

        var events = Run(ToolCallSyntax.Hermes, Text, chunkSize);

        Assert.Equal("Let me check.", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
        var calls = events.OfType<CallEvent>().ToList();
        Assert.Equal([0, 0, 1, 1], calls.Select(c => c.Index));
        Assert.Equal(["a", "b"], calls.Where(c => c.Id is not null).Select(c => c.Name));
        Assert.Equal("{\"x\":1}", calls[1].Arguments);
        Assert.All(calls.Where(c => c.Id is not null), c => Assert.StartsWith("call_", c.Id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1000)]
    public void Phi4_ListOfCalls_EachBecomesACall(int chunkSize)
    {
        const string Text = "<|tool_call|>[{\"name\": \"a\", \"arguments\": {\"q\":\"<\"}}, {\"name\": \"b\", \"arguments\": {}}]<|/tool_call|>";

        var events = Run(ToolCallSyntax.Phi4, Text, chunkSize);

        Assert.Empty(events.OfType<ContentEvent>());
        Assert.Equal(["a", "b"], events.OfType<CallEvent>().Where(c => c.Name is not null).Select(c => c.Name));
    }

    [Fact]
    public void TextThatOnlyLooksLikeTheMarkup_IsContent()
    {
        var events = Run(ToolCallSyntax.Hermes, "a <tool and <tool_", 1);

        Assert.Equal("a <tool and <tool_", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
    }

    [Fact]
    public void UnfinishedCall_IsDroppedNotShown()
    {
        var events = Run(ToolCallSyntax.Hermes, "Hi<tool_call>\n{\"name\": \"a\", \"argu", 4);

        Assert.Equal("Hi", string.Concat(events.OfType<ContentEvent>().Select(e => e.Text)));
        Assert.Empty(events.OfType<CallEvent>());
    }

    private static List<ToolCallEvent> Run(ToolCallSyntax syntax, string text, int chunkSize)
    {
        var stream = new ToolCallStream(syntax);
        var events = new List<ToolCallEvent>();
        for (var i = 0; i < text.Length; i += chunkSize)
        {
            events.AddRange(stream.Push(text.Substring(i, Math.Min(chunkSize, text.Length - i))));
        }

        events.AddRange(stream.Finish());
        return events;
    }
}
