using System.Text;
using Platform.Api.Sampling;
using Platform.Api.Streaming;
using Platform.Api.Tools;
using Platform.Inference.Constraints.Tools;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Api.Chat;

/// <summary>
/// Turns generated chunks into a chat completion, or into its stream of chunk objects. With a tool-call
/// <paramref name="toolSyntax"/>, the text is split into content and <c>tool_calls</c>.
/// </summary>
internal sealed class ChatResponseBuilder(string id, long created, LoadedModel model, string fingerprint, int promptTokens, CachedPromptTokens cached, int? topLogprobs, ToolCallSyntax? toolSyntax = null)
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
            .Select(i =>
            {
                var (message, calls) = Message(texts[i].ToString());
                var reason = finish[i] ?? "stop";
                return new ChatChoice(i, message, topLogprobs is null ? null : new ChatLogprobs(logprobs[i]), calls && reason == "stop" ? "tool_calls" : reason);
            })
            .ToList();
        return new ChatCompletionResponse(id, "chat.completion", created, model.Name, fingerprint, choices, Usage.Of(promptTokens, CompletionTokens, cached.Total));
    }

    public async Task StreamAsync(SseWriter writer, IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks, int n, bool includeUsage, CancellationToken cancellationToken)
    {
        var toolStreams = toolSyntax is null ? null : Enumerable.Range(0, n).Select(_ => new ToolCallStream(toolSyntax)).ToArray();
        for (var i = 0; i < n; i++)
        {
            await writer.WriteAsync(Chunk(new ChatChunkChoice(i, new ChatDelta("assistant", string.Empty), null, null)), cancellationToken);
        }

        await foreach (var (choice, chunk) in chunks.WithCancellation(cancellationToken))
        {
            CompletionTokens += chunk.Tokens.Count;
            var logprobs = topLogprobs is null ? null : new ChatLogprobs(Logprobs(chunk));
            var finish = chunk.FinishReason is null ? null : CompletionRunner.FinishReasonText(chunk.FinishReason);
            if (toolStreams is null)
            {
                await writer.WriteAsync(Chunk(new ChatChunkChoice(choice, new ChatDelta(Content: chunk.Text), logprobs, finish)), cancellationToken);
                continue;
            }

            var stream = toolStreams[choice];
            var deltas = stream.Push(chunk.Text).Concat(finish is null ? [] : stream.Finish()).Select(Delta).ToList();
            if (finish == "stop" && stream.CallCount > 0)
            {
                finish = "tool_calls";
            }

            if (deltas.Count == 0 && (finish is not null || logprobs is { Content.Count: > 0 }))
            {
                deltas.Add(new ChatDelta(Content: string.Empty));
            }

            for (var d = 0; d < deltas.Count; d++)
            {
                var last = d == deltas.Count - 1;
                await writer.WriteAsync(Chunk(new ChatChunkChoice(choice, deltas[d], d == 0 ? logprobs : null, last ? finish : null)), cancellationToken);
            }
        }

        if (includeUsage)
        {
            await writer.WriteAsync(Chunk(null, Usage.Of(promptTokens, CompletionTokens, cached.Total)), cancellationToken);
        }

        ChatCompletionChunk Chunk(ChatChunkChoice? choice, Usage? usage = null) =>
            new(id, "chat.completion.chunk", created, model.Name, fingerprint, choice is null ? [] : [choice], usage);
    }

    private static ChatDelta Delta(ToolCallEvent tokenEvent) => tokenEvent switch
    {
        ContentEvent content => new ChatDelta(Content: content.Text),
        CallEvent call => new ChatDelta(ToolCalls: [new ChatToolCallDelta(call.Index, call.Id, call.Id is null ? null : "function", new ChatFunctionCallDelta(call.Name, call.Arguments))]),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The assistant message of a finished choice, and whether it holds tool calls.</summary>
    private (ChatMessage Message, bool HasCalls) Message(string text)
    {
        if (toolSyntax is null)
        {
            return (new ChatMessage("assistant", text), false);
        }

        var stream = new ToolCallStream(toolSyntax);
        var events = stream.Push(text).Concat(stream.Finish()).ToList();
        var content = string.Concat(events.OfType<ContentEvent>().Select(e => e.Text));
        var calls = events.OfType<CallEvent>().Where(e => e.Index < stream.CompletedCount).GroupBy(e => e.Index)
            .Select(g => new ChatToolCall(g.First().Id!, "function", new ChatFunctionCall(g.First().Name!, string.Concat(g.Select(e => e.Arguments)))))
            .ToList();
        if (calls.Count == 0)
        {
            return (new ChatMessage("assistant", content), false);
        }

        return (new ChatMessage("assistant", string.IsNullOrWhiteSpace(content) ? null : content.Trim()) { ToolCalls = calls }, true);
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
