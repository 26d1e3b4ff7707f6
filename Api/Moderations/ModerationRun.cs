using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Platform.Inference.Engine;
using Platform.Moderation;

namespace Platform.Api.Moderations;

/// <summary>
/// The moderation of one completion request after its input passed: the input's results, and, when output is
/// checked, a filter over each choice's chunks that scores the text as it is generated. When output is to be cut, a
/// flagged chunk is withheld and the choice ends with <c>finish_reason</c> <c>content_filter</c>; leaving the
/// generation's stream cancels it, which frees its KV cache, and the tokens generated so far are still counted.
/// </summary>
internal sealed class ModerationRun
{
    // Output is scored over its last characters as it grows: phrases never span more than this, and the cost per chunk stays flat.
    private const int WindowCharacters = 512;

    private readonly ModerationPass? _pass;
    private readonly HttpContext? _context;
    private readonly string _model;
    private readonly IReadOnlyList<ModerationResult> _inputs;
    private readonly bool _checkOutput;
    private readonly bool _cutOutput;
    private readonly bool _recordOutput;
    private readonly bool _report;
    private readonly ModerationOutcome? _outcome;
    private readonly ConcurrentDictionary<int, ModerationResult> _outputs = new();

    public ModerationRun(
        ModerationPass? pass,
        HttpContext? context,
        string model,
        IReadOnlyList<ModerationResult> inputs,
        bool checkOutput,
        bool cutOutput,
        bool recordOutput,
        bool report,
        ModerationOutcome? outcome)
    {
        _pass = pass;
        _context = context;
        _model = model;
        _inputs = inputs;
        _checkOutput = checkOutput;
        _cutOutput = cutOutput;
        _recordOutput = recordOutput;
        _report = report;
        _outcome = outcome;
    }

    /// <summary>A request whose tier does not moderate and which asked for nothing.</summary>
    public static ModerationRun Unchecked => new(null, null, "", [], false, false, false, false, null);

    /// <summary>What <c>CompletionRunner.RunAsync</c> wraps each choice's chunks in; null when output is not checked.</summary>
    public Func<int, IAsyncEnumerable<TextChunk>, IAsyncEnumerable<TextChunk>>? OutputFilter => _checkOutput ? (choice, chunks) => FilterAsync(choice, chunks) : null;

    /// <summary>The response's <c>moderation</c> object, when the request asked for moderation; one output result per choice.</summary>
    public ChatCompletionModeration? Report(int choices)
    {
        if (!_report || _pass is null)
        {
            return null;
        }

        var name = _pass.Classifier.Name;
        return new ChatCompletionModeration(
            new ChatCompletionModerationResults("moderation_results", name, [.. _inputs.Select(r => ModerationResultBody.From(name, r))]),
            new ChatCompletionModerationResults(
                "moderation_results",
                name,
                [.. Enumerable.Range(0, choices).Select(i => ModerationResultBody.From(name, _outputs.GetValueOrDefault(i, ModerationResult.Empty)))]));
    }

    private async IAsyncEnumerable<TextChunk> FilterAsync(int choice, IAsyncEnumerable<TextChunk> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        var result = ModerationResult.Empty;
        var recorded = false;
        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken))
            {
                if (chunk.Text.Length > 0)
                {
                    text.Append(chunk.Text);
                    var window = Window(text);
                    var found = _pass!.Classifier.Classify(window);
                    result = ModerationResult.Combine(result, found);
                    if (found.Flagged && _cutOutput)
                    {
                        _outcome?.Add(found.FlaggedCategories, filtered: true);
                        Record("filtered", found, window);

                        // The withheld chunk's tokens were generated, so they stay (and are billed); their logprobs would reveal the text.
                        yield return new TextChunk(string.Empty, [.. chunk.Tokens.Select(t => t with { Logprobs = null })], FinishReason.ContentFilter);
                        yield break;
                    }

                    if (found.Flagged && !recorded)
                    {
                        recorded = true;
                        _outcome?.Add(found.FlaggedCategories);
                        Record("flagged", found, window);
                    }
                }

                yield return chunk;
            }
        }
        finally
        {
            _outputs[choice] = result;
        }
    }

    private void Record(string action, ModerationResult result, string text)
    {
        if (_recordOutput)
        {
            _pass!.Record(_context!, _model, "output", action, result, text);
        }
    }

    private static string Window(StringBuilder text)
    {
        if (text.Length <= WindowCharacters)
        {
            return text.ToString();
        }

        // Start at a word boundary, so the window does not begin with half a word.
        var start = text.Length - WindowCharacters;
        var limit = Math.Min(text.Length, start + 32);
        for (var i = start; i < limit; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                start = i + 1;
                break;
            }
        }

        return text.ToString(start, text.Length - start);
    }
}
