using Microsoft.Extensions.Logging;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// The prefix cache's hooks in the scheduler: a fresh prompt first copies its longest cached prefix of whole blocks
/// into its own cache and prefills only the rest (always at least its last token, whose logits give the first
/// token); a finished prefill adds the prompt's blocks; a sequence leaving the batch adds the blocks of its prompt and
/// generated tokens, for a conversation resent with one more turn. On a model that cannot prefill a chunk after a past,
/// only a short rest is served (fed one token per <c>Run</c>). The cache only ever saves work: a hook that fails is
/// logged and the sequence goes on as if it had missed.
/// </summary>
public sealed partial class DeviceWorker
{
    private readonly PrefixCache? _prefixCache;

    /// <summary>
    /// This device's prefix cache; null when it is off. Its <see cref="PrefixCache.UnusedTokens"/> and
    /// <see cref="PrefixCache.Evict"/> are what the KV budget needs to count cached tokens and evict them on demand.
    /// </summary>
    internal PrefixCache? PrefixCache => _prefixCache;

    /// <summary>
    /// On a model that takes only one new token after a past (no chunked prefill), the rest of a prompt after its
    /// cached prefix is fed one token per <c>Run</c>, as decode does: worth it only for a short rest, since the whole
    /// prompt would have been one <c>Run</c> and the batch waits meanwhile.
    /// </summary>
    private const int MaxTokenByTokenRest = 4 * KvBlock.Size;

    private bool PrefixCacheActive => _prefixCache is not null;

    private void ServeCachedPrefixes()
    {
        if (!PrefixCacheActive)
        {
            return;
        }

        foreach (var sequence in _prefilling)
        {
            if (sequence.PrefixLookedUp || sequence.Prefilled != 0)
            {
                continue;
            }

            sequence.PrefixLookedUp = true;
            try
            {
                ServeCachedPrefix(sequence);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogPrefixCacheFailed(_logger, ex, _config.Name, DeviceId);
            }
        }
    }

    private void ServeCachedPrefix(Sequence sequence)
    {
        var cache = _prefixCache!;
        var maxBlocks = (sequence.Prompt.Length - 1) / KvBlock.Size;
        var minBlocks = _chunkedPrefill ? 1 : Math.Max(1, (sequence.Prompt.Length - MaxTokenByTokenRest + KvBlock.Size - 1) / KvBlock.Size);
        if (_batchedPrefill && _prefilling.Count > 1)
        {
            // A served prompt prefills its rest in a Run of its own, while fresh prompts that arrived with it share one
            // padded Run: serving a short prefix to each of many short prompts turned one Run into one per prompt
            // (32 streams of 32-token prompts: inter-token p99 30x the single stream's). With others to group with,
            // serve only when more of the prompt is cached than is left to prefill.
            minBlocks = Math.Max(minBlocks, (sequence.Prompt.Length / (2 * KvBlock.Size)) + 1);
        }

        var blocks = cache.Acquire(Namespace(sequence), sequence.Prompt, maxBlocks, minBlocks);
        if (blocks.Count == 0)
        {
            return;
        }

        var length = blocks.Count * KvBlock.Size;
        var shape = Signature.PastShape(1, length);
        var tensors = new OrtTensor[Signature.PastNames.Count];
        try
        {
            for (var t = 0; t < tensors.Length; t++)
            {
                tensors[t] = _runner.Session.AllocateFromArena(Signature.KvType, shape);
            }

            cache.Restore(blocks, tensors);
        }
        catch
        {
            foreach (var tensor in tensors)
            {
                tensor?.Dispose();
            }

            throw;
        }
        finally
        {
            cache.Release(blocks);
        }

        var kv = _runner.CreateCache();
        kv.Replace(tensors, length);
        sequence.Cache = kv;
        sequence.Prefilled = sequence.Length = sequence.CachedPromptTokens = length;
        Interlocked.Add(ref _kvTokens, length);
    }

    /// <summary>
    /// Feeds a chunk of a prompt on the sequence's own cache and returns the last position's logits: in one <c>Run</c>,
    /// or, after a cached prefix on a model without chunked prefill, one token per <c>Run</c>.
    /// </summary>
    private LogitsRow FeedPrompt(Sequence sequence, int chunk)
    {
        var cache = sequence.Cache!;
        var tokens = sequence.Prompt.AsSpan(sequence.Prefilled, chunk);
        if (_chunkedPrefill || cache.Length == 0)
        {
            return _runner.Step(tokens, cache);
        }

        for (var i = 0; i < tokens.Length - 1; i++)
        {
            using (_runner.Step(tokens.Slice(i, 1), cache))
            {
            }
        }

        return _runner.Step(tokens[^1..], cache);
    }

    /// <summary>After its prefill: the prompt's whole blocks, from its own cache or its row of a prefill group.</summary>
    private void CachePrompt(Sequence sequence, KvSource source)
    {
        if (PrefixCacheActive && sequence.Prompt.Length >= KvBlock.Size)
        {
            Insert(sequence, sequence.Prompt, source);
        }
    }

    /// <summary>
    /// A member leaving the batch: its prompt and generated tokens, as far as its KV holds them (the last sampled token
    /// was never fed). Not after a failed step or at shutdown, when the batch's KV is not to be trusted or not worth keeping.
    /// </summary>
    private void CacheOnLeaving(Sequence sequence, Exception? error)
    {
        if (!PrefixCacheActive
            || (error is not null && error is not OperationCanceledException)
            || _stopping.IsCancellationRequested
            || sequence.Length < KvBlock.Size
            || sequence.BatchRow < 0
            || sequence.BatchRow >= _batch.Count
            || !ReferenceEquals(_batch.Members[sequence.BatchRow], sequence))
        {
            return;
        }

        var generated = sequence.Length - sequence.Prompt.Length;
        if (generated < 0 || generated > sequence.Emitted.Count)
        {
            return;
        }

        var tokens = new int[sequence.Length];
        sequence.Prompt.CopyTo(tokens, 0);
        for (var i = 0; i < generated; i++)
        {
            tokens[sequence.Prompt.Length + i] = sequence.Emitted[i];
        }
        var source = _batch.Source(sequence.BatchRow);
        Insert(sequence, tokens, source);
    }

    private void Insert(Sequence sequence, int[] tokens, KvSource source)
    {
        try
        {
            _prefixCache!.Insert(Namespace(sequence), tokens, source);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPrefixCacheFailed(_logger, ex, _config.Name, DeviceId);
        }
    }

    private static string Namespace(Sequence sequence) => sequence.Request.Options.PromptCacheKey ?? string.Empty;

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Model {Model} on device {Device}: the prefix cache failed; the sequence goes on without it")]
    private static partial void LogPrefixCacheFailed(ILogger logger, Exception exception, string model, int device);
}
