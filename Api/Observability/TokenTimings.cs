using System.Diagnostics;
using System.Runtime.CompilerServices;
using Platform.Inference.Engine;

namespace Platform.Api.Observability;

/// <summary>Records time to first token and the gaps between tokens of each choice as a completion's chunks pass.</summary>
internal static class TokenTimings
{
    public static async IAsyncEnumerable<(int Choice, TextChunk Chunk)> WithTokenTimings(
        this IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks,
        HttpContext context,
        string model,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var metrics = context.RequestServices.GetRequiredService<RequestMetrics>();
        var started = context.Features.Get<RequestStart>()?.Timestamp ?? Stopwatch.GetTimestamp();
        var last = new Dictionary<int, long>();
        var first = true;
        await foreach (var (choice, chunk) in chunks.WithCancellation(cancellationToken))
        {
            var tokens = chunk.Tokens.Count;
            if (tokens > 0)
            {
                var now = Stopwatch.GetTimestamp();
                if (first)
                {
                    metrics.FirstToken(model, Stopwatch.GetElapsedTime(started, now));
                    first = false;
                }

                if (last.TryGetValue(choice, out var previous))
                {
                    // Several tokens can arrive as one piece of text (held back for a stop sequence or a split character).
                    var gap = Stopwatch.GetElapsedTime(previous, now) / tokens;
                    for (var i = 0; i < tokens; i++)
                    {
                        metrics.InterToken(model, gap);
                    }
                }

                last[choice] = now;
            }

            yield return (choice, chunk);
        }
    }
}
