using System.Text;
using Platform.Api.Sampling;
using Platform.Api.Streaming;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Api.Chat;

/// <summary>Turns generated chunks into a chat completion, or into its stream of chunk objects.</summary>
internal sealed class ChatResponseBuilder(string id, long created, LoadedModel model, string fingerprint, int promptTokens, int? topLogprobs)
{
    /// <summary>Tokens generated so far across all choices: the usage, and what the token limits are reconciled with.</summary>
    public int CompletionTokens { get; private set; }

    public async Task<ChatCompletionResponse> CollectAsync(IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks, int n)
    {
        var texts = Enumerable.Range(0, n).Select(_ => new StringBuilder()).ToArray();
        var logprobs = Enumerable.Range(0, n).Select(_ => new List<ChatTokenLogprob>()).ToArray();
        var finish = new string[n];
        await foreach (var (choice, chunk) in chunks)
        {
            texts[choice].Append(chunk.Text);
            logprobs[choice].AddRange(Logprobs(chunk));
            CompletionTokens += chunk.Tokens.Count;
            if (chunk.FinishReason is not null)
            {
                finish[choice] = CompletionRunner.FinishReasonText(chunk.FinishReason);
            }
        }

        var choices = Enumerable.Range(0, n)
            .Select(i => new ChatChoice(i, new ChatMessage("assistant", texts[i].ToString()), topLogprobs is null ? null : new ChatLogprobs(logprobs[i]), finish[i] ?? "stop"))
            .ToList();
        return new ChatCompletionResponse(id, "chat.completion", created, model.Name, fingerprint, choices, Usage.Of(promptTokens, CompletionTokens));
    }

    public async Task StreamAsync(SseWriter writer, IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks, int n, bool includeUsage, CancellationToken cancellationToken)
    {
        for (var i = 0; i < n; i++)
        {
            await writer.WriteAsync(Chunk(new ChatChunkChoice(i, new ChatDelta("assistant", string.Empty), null, null)), cancellationToken);
        }

        await foreach (var (choice, chunk) in chunks.WithCancellation(cancellationToken))
        {
            CompletionTokens += chunk.Tokens.Count;
            var logprobs = topLogprobs is null ? null : new ChatLogprobs(Logprobs(chunk));
            var finish = chunk.FinishReason is null ? null : CompletionRunner.FinishReasonText(chunk.FinishReason);
            await writer.WriteAsync(Chunk(new ChatChunkChoice(choice, new ChatDelta(Content: chunk.Text), logprobs, finish)), cancellationToken);
        }

        if (includeUsage)
        {
            await writer.WriteAsync(Chunk(null, Usage.Of(promptTokens, CompletionTokens)), cancellationToken);
        }

        ChatCompletionChunk Chunk(ChatChunkChoice? choice, Usage? usage = null) =>
            new(id, "chat.completion.chunk", created, model.Name, fingerprint, choice is null ? [] : [choice], usage);
    }

    private List<ChatTokenLogprob> Logprobs(TextChunk chunk)
    {
        var result = new List<ChatTokenLogprob>();
        if (topLogprobs is null)
        {
            return result;
        }

        foreach (var token in chunk.Tokens)
        {
            if (token.IsEndOfSequence || token.Logprobs is not { } logprobs)
            {
                continue;
            }

            var text = TokenText.Of(model.Tokenizer, token.TokenId);
            var top = logprobs.Top.Select(t =>
            {
                var alternative = TokenText.Of(model.Tokenizer, t.TokenId);
                return new ChatTopLogprob(alternative, t.Logprob, TokenText.Bytes(alternative));
            }).ToList();
            result.Add(new ChatTokenLogprob(text, logprobs.Logprob, TokenText.Bytes(text), top));
        }

        return result;
    }
}
