using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Api.Tools;
using Platform.Inference.Constraints.Tools;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Api.Tools;

/// <summary>
/// A forced tool call generated greedily by a shared model (SentencePiece llama, with the byte-level gpt2 too) in
/// both syntaxes, fed to the tool-call stream chunk by chunk as the engine yields them: the arguments arrive in
/// more than two fragments, and joined they equal the arguments read from the whole text.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class SharedModelToolStreamTests(OrtFixture ort)
{
    private const string Parameters = """
        {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","days","unit"],"additionalProperties":false}
        """;

    [Theory]
    [InlineData("tiny-random-llama", "hermes")]
    [InlineData("tiny-random-llama", "phi4")]
    [InlineData("tiny-random-gpt2", "hermes")]
    public async Task ForcedCall_StreamedChunkByChunk_ArgumentsInPiecesEqualToWhole(string name, string format)
    {
        using var model = TestModels.LoadShared(ort, name, capacity: 4);
        var syntax = ToolCallSyntax.Named(format)!;
        using var parameters = JsonDocument.Parse(Parameters);
        var constraint = model.Constraints.GetOrCompile(
            $"test-tools:{format}",
            () => ToolCallGrammar.Calls(syntax, [new ToolGrammarFunction("get_weather", parameters.RootElement.Clone(), Strict: true)], parallel: false));
        IReadOnlyList<int> prompt = [.. Enumerable.Range(1, 8).Select(t => (t * 37) % model.Config.VocabularySize)];
        var options = new GenerationOptions { MaxTokens = constraint.MinTokens + 40, Temperature = 0f, Constraint = constraint };

        var streamed = new ToolCallStream(syntax);
        var events = new List<ToolCallEvent>();
        var text = new System.Text.StringBuilder();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await foreach (var chunk in model.GenerateTextAsync(prompt, options, [], cancellationToken: deadline.Token))
        {
            text.Append(chunk.Text);
            events.AddRange(streamed.Push(chunk.Text));
        }

        events.AddRange(streamed.Finish());
        var whole = new ToolCallStream(syntax);
        var wholeEvents = whole.Push(text.ToString()).Concat(whole.Finish()).OfType<CallEvent>().ToList();

        var calls = events.OfType<CallEvent>().ToList();
        Assert.Empty(events.OfType<ContentEvent>());
        Assert.Equal(1, streamed.CompletedCount);
        Assert.Equal("get_weather", calls[0].Name);
        var pieces = calls.Skip(1).Select(c => c.Arguments).ToList();
        Assert.True(pieces.Count > 2, $"{pieces.Count} argument fragments from {text}");
        Assert.Equal(string.Concat(wholeEvents.Select(e => e.Arguments)), string.Concat(pieces));
        using var arguments = JsonDocument.Parse(string.Concat(pieces));
        Assert.Equal(JsonValueKind.Number, arguments.RootElement.GetProperty("days").ValueKind);
    }
}
