using System.Text;
using Platform.Api.Sampling;
using Platform.Api.Streaming;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Api.Completions;

/// <summary>Turns generated chunks into a legacy completion, or into its stream of chunk objects.</summary>
internal sealed class CompletionResponseBuilder(
    string id,
    long created,
    LoadedModel model,
    string fingerprint,
    IReadOnlyList<CompletionPrompt> prompts,
    int n,
    CompletionRequest request,
    CachedPromptTokens cached)
{
    /// <summary>Tokens generated so far across all choices: the usage, and what the token limits are reconciled with.</summary>
    public int CompletionTokens { get; private set; }

    private int PromptTokens => prompts.Sum(p => p.Ids.Count);

    public async Task<CompletionResponse> CollectAsync(IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks)
    {
        var count = prompts.Count * n;
        var texts = Enumerable.Range(0, count).Select(i => new StringBuilder(request.Echo ? prompts[i / n].Text : string.Empty)).ToArray();
        var logprobs = Enumerable.Range(0, count).Select(_ => new LogprobsBuilder()).ToArray();
        var finish = new string?[count];
        await foreach (var (choice, chunk) in chunks)
        {
            logprobs[choice].Add(model, chunk, texts[choice].Length);
            texts[choice].Append(chunk.Text);
            CompletionTokens += chunk.Tokens.Count;
            finish[choice] = chunk.FinishReason is null ? finish[choice] : CompletionRunner.FinishReasonText(chunk.FinishReason);
        }

        var choices = Enumerable.Range(0, count)
            .Select(i => new CompletionChoice(texts[i].ToString(), i, request.Logprobs is null ? null : logprobs[i].Build(), finish[i] ?? "stop"))
            .ToList();
        return new CompletionResponse(id, "text_completion", created, model.Name, fingerprint, choices, Usage.Of(PromptTokens, CompletionTokens, cached.Total));
    }

    public async Task StreamAsync(SseWriter writer, IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks, bool includeUsage, CancellationToken cancellationToken)
    {
        var offsets = new int[prompts.Count * n];
        if (request.Echo)
        {
            for (var i = 0; i < offsets.Length; i++)
            {
                var text = prompts[i / n].Text;
                offsets[i] = text.Length;
                await writer.WriteAsync(Chunk(new CompletionChoice(text, i, null, null)), cancellationToken);
            }
        }

        await foreach (var (choice, chunk) in chunks.WithCancellation(cancellationToken))
        {
            CompletionTokens += chunk.Tokens.Count;
            CompletionLogprobs? logprobs = null;
            if (request.Logprobs is not null)
            {
                var builder = new LogprobsBuilder();
                builder.Add(model, chunk, offsets[choice]);
                logprobs = builder.Build();
            }

            offsets[choice] += chunk.Text.Length;
            var finish = chunk.FinishReason is null ? null : CompletionRunner.FinishReasonText(chunk.FinishReason);
            await writer.WriteAsync(Chunk(new CompletionChoice(chunk.Text, choice, logprobs, finish)), cancellationToken);
        }

        if (includeUsage)
        {
            await writer.WriteAsync(new CompletionResponse(id, "text_completion", created, model.Name, fingerprint, [], Usage.Of(PromptTokens, CompletionTokens, cached.Total)), cancellationToken);
        }

        CompletionResponse Chunk(CompletionChoice choice) => new(id, "text_completion", created, model.Name, fingerprint, [choice], null);
    }

    /// <summary>Collects the legacy parallel arrays; offsets count characters of the choice's text.</summary>
    private sealed class LogprobsBuilder
    {
        private readonly List<string> _tokens = [];
        private readonly List<float> _logprobs = [];
        private readonly List<IReadOnlyDictionary<string, float>> _top = [];
        private readonly List<int> _offsets = [];

        public void Add(LoadedModel model, TextChunk chunk, int offset)
        {
            foreach (var token in chunk.Tokens)
            {
                if (token.IsEndOfSequence || token.Logprobs is not { } logprobs)
                {
                    continue;
                }

                var text = TokenText.Of(model.Tokenizer, token.TokenId);
                _tokens.Add(text);
                _logprobs.Add(logprobs.Logprob);
                var top = new Dictionary<string, float>(StringComparer.Ordinal);
                foreach (var alternative in logprobs.Top)
                {
                    top.TryAdd(TokenText.Of(model.Tokenizer, alternative.TokenId), alternative.Logprob);
                }

                _top.Add(top);
                _offsets.Add(offset);
                offset += text.Length;
            }
        }

        public CompletionLogprobs Build() => new(_tokens, _logprobs, _top, _offsets);
    }
}
