using System.Diagnostics;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// The continuous-batching loop. Each step: take new sequences, drop cancelled ones, prefill prompt tokens in what
/// <see cref="MaxTokensPerStep"/> leaves after one token per running sequence (first come first served, a long
/// prompt in chunks), let the
/// sequences whose prefill finished join the batch (re-packing its KV tensors only when membership changed), then
/// decode one token for every member in a single <c>Run</c>. Sequences that finish leave at the next step.
/// </summary>
public sealed partial class DeviceWorker
{
    private void Loop()
    {
        _chunkedPrefill = _runner.ProbeChunkedPrefill();
        _batchedPrefill = _runner.CanBatch && _runner.ProbeBatchedPrefill();
        try
        {
            while (true)
            {
                while (_inbox.Reader.TryRead(out var arrived))
                {
                    Arrived(arrived);
                    _prefilling.Add(arrived);
                }

                if (_prefilling.Count == 0 && _joining.Count == 0 && _batch.Count == 0 && _preempted.Count == 0)
                {
                    Volatile.Write(ref _lastBatchSize, 0);
                    if (!WaitForWork())
                    {
                        return;
                    }

                    continue;
                }

                Step();
            }
        }
        finally
        {
            Shutdown();
        }
    }

    private void Step()
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var busyBefore = _prefilling.Count + _joining.Count + _preempted.Count;
        DropCancelled();
        GrowOrPreempt();
        ResumePreempted();
        Prefill();
        if (_joining.Count > 0 || AnyLeft())
        {
            Regroup();
        }

        ReleaseStaged();

        if (_batch.Count > 0)
        {
            Decode();
            if (busyBefore == 0 && _joining.Count == 0)
            {
                CountDecodeOnlyStep(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
            }
        }
    }

    /// <summary>A step that only decoded (nothing arrived, prefilled, joined or resumed): what it allocated on this thread.</summary>
    private void CountDecodeOnlyStep(long allocated)
    {
        Interlocked.Increment(ref _decodeOnlySteps);
        Interlocked.Add(ref _decodeOnlyAllocatedBytes, allocated);
        if (allocated == 0)
        {
            Interlocked.Increment(ref _decodeOnlyStepsWithoutAllocation);
        }
    }

    private bool AnyLeft()
    {
        var members = _batch.Members;
        for (var i = 0; i < members.Count; i++)
        {
            if (!StaysInBatch(members[i]))
            {
                return true;
            }
        }

        return false;
    }

    private bool WaitForWork()
    {
        try
        {
            return _inbox.Reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void DropCancelled()
    {
        for (var i = _prefilling.Count - 1; i >= 0; i--)
        {
            if (_prefilling[i].Cancellation.IsCancellationRequested)
            {
                LeaveWaiting(_prefilling[i], new OperationCanceledException(_prefilling[i].Cancellation));
                _prefilling.RemoveAt(i);
            }
        }

        var members = _batch.Members;
        for (var i = 0; i < members.Count; i++)
        {
            if (!members[i].Left && members[i].Cancellation.IsCancellationRequested)
            {
                LeaveRunning(members[i], new OperationCanceledException(members[i].Cancellation));
            }
        }
    }

    /// <summary>
    /// Feeds prompts, oldest first, up to the step's token budget less the decode tokens of the running sequences
    /// (vLLM's chunked-prefill rule: decodes first, so a wave of new prompts delays running streams only by what fits). Fresh prompts that fit whole are prefilled
    /// together in one padded <c>Run</c>; a prompt longer than what is left is fed in chunks on its own cache.
    /// A finished prefill samples the sequence's first token.
    /// </summary>
    private void Prefill()
    {
        var budget = Math.Max(1, MaxTokensPerStep - _batch.Count - _joining.Count);
        var started = Stopwatch.GetTimestamp();
        ServeCachedPrefixes();
        var fed = 0;
        var firstTokens = 0;
        var i = 0;
        while (i < _prefilling.Count && budget > 0)
        {
            var group = _batchedPrefill ? FreshGroup(i, budget) : 0;
            if (group > 1)
            {
                var tokens = PrefillTogether(i, group, ref firstTokens);
                budget -= tokens;
                fed += tokens;
                continue;
            }

            var sequence = _prefilling[i];
            var rest = sequence.Prompt.Length - sequence.Prefilled;
            if (!_chunkedPrefill && rest > budget && fed > 0)
            {
                // Whole prompts only: a long one waits for a step of its own.
                break;
            }

            var chunk = _chunkedPrefill ? Math.Min(rest, budget) : rest;
            budget -= chunk;
            fed += chunk;
            if (PrefillAlone(sequence, chunk))
            {
                _prefilling.RemoveAt(i);
                firstTokens++;
            }
            else
            {
                i++;
            }
        }

        if (fed > 0)
        {
            _metrics?.RecordPrefill(_config.Name, DeviceId, fed, firstTokens, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>How many sequences from <paramref name="start"/> on are fresh and fit, whole, in <paramref name="budget"/>.</summary>
    private int FreshGroup(int start, int budget)
    {
        var count = 0;
        for (var j = start; j < _prefilling.Count; j++)
        {
            var sequence = _prefilling[j];
            if (sequence.Prefilled != 0 || sequence.Prompt.Length > budget)
            {
                break;
            }

            budget -= sequence.Prompt.Length;
            count++;
        }

        return count;
    }

    /// <summary>Feeds one chunk of one prompt on its own cache; true when the sequence's prefill is over (it has left the queue's care).</summary>
    private bool PrefillAlone(Sequence sequence, int chunk)
    {
        try
        {
            sequence.Trace.PrefillStarting();
            sequence.Cache ??= _runner.CreateCache();
            using var logits = FeedPrompt(sequence, chunk);
            sequence.Prefilled += chunk;
            sequence.Length += chunk;
            Interlocked.Add(ref _kvTokens, chunk);
            if (!sequence.PrefillDone)
            {
                return false;
            }

            CachePrompt(sequence, new KvSource(sequence.Cache.Tensors, 1, 0, sequence.Length, 0));
            Admit(sequence, logits);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(_logger, ex, _config.Name, DeviceId);
            LeaveWaiting(sequence, ex);
            return true;
        }
    }

    /// <summary>Prefills <paramref name="count"/> whole prompts from <paramref name="start"/> in one padded <c>Run</c>; returns the prompt tokens fed.</summary>
    private int PrefillTogether(int start, int count, ref int firstTokens)
    {
        var group = _prefilling.GetRange(start, count);
        _prefilling.RemoveRange(start, count);
        var longest = group.Max(s => s.Prompt.Length);
        var tokens = group.Sum(s => s.Prompt.Length);
        foreach (var sequence in group)
        {
            sequence.Trace.PrefillStarting();
        }

        try
        {
            using var logits = _runner.PrefillBatch([.. group.Select(s => s.Prompt)], longest, out var presents);
            var staged = new StagedKv(presents, count, longest);
            _staged.Add(staged);
            var vocabulary = Signature.VocabularySize;
            for (var row = 0; row < count; row++)
            {
                var sequence = group[row];
                sequence.Prefilled = sequence.Length = sequence.Prompt.Length;
                sequence.Staged = (staged, row);
                Interlocked.Add(ref _kvTokens, sequence.Length);
                firstTokens++;
                CachePrompt(sequence, new KvSource(staged.Tensors, count, row, longest, longest - sequence.Length));
                Admit(sequence, new LogitsRow(logits, ((row * longest) + longest - 1) * vocabulary, vocabulary));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(_logger, ex, _config.Name, DeviceId);
            foreach (var sequence in group)
            {
                if (!sequence.Left && !_joining.Contains(sequence))
                {
                    LeaveWaiting(sequence, ex);
                }
            }
        }

        return tokens;
    }

    /// <summary>Samples the first token after prefill; the sequence then joins the batch, or leaves if that token ended it.</summary>
    private void Admit(Sequence sequence, LogitsRow logits)
    {
        sequence.Trace.PrefillFinished();
        if (Accept(sequence, logits))
        {
            LeaveWaiting(sequence, null);
        }
        else
        {
            _joining.Add(sequence);
        }
    }

    /// <summary>The batch becomes its remaining members followed by the newcomers.</summary>
    private void Regroup()
    {
        var members = _batch.Members.Where(StaysInBatch).Concat(_joining).ToList();
        var joined = _joining.Count;
        try
        {
            _batch.Repack(members);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(_logger, ex, _config.Name, DeviceId);
            Interlocked.Add(ref _waiting, -joined);
            Interlocked.Add(ref _running, joined);
            _joining.Clear();
            FailBatch(members, ex);
            ReleaseStaged();
            return;
        }

        _joining.Clear();
        ReleaseStaged();
        Interlocked.Add(ref _waiting, -joined);
        Interlocked.Add(ref _running, joined);
    }

    /// <summary>Prefill groups whose rows have been copied into (or adopted by) the batch, or whose sequences left.</summary>
    private void ReleaseStaged()
    {
        _staged.ForEach(s => s.Dispose());
        _staged.Clear();
    }

    /// <summary>One token for every member, in one batched <c>Run</c>.</summary>
    private void Decode()
    {
        var members = _batch.Members;
        var count = members.Count;
        Span<int> tokens = count <= 256 ? stackalloc int[count] : new int[count];
        Span<int> lengths = count <= 256 ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = members[i].LastToken;
            lengths[i] = members[i].Length;
        }

        var started = Stopwatch.GetTimestamp();
        OrtTensor logits;
        try
        {
            logits = _batch.Step(tokens, lengths);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(_logger, ex, _config.Name, DeviceId);
            FailBatch([.. members], ex);
            return;
        }

        // The logits belong to the runner until its next step.
        var vocabulary = Signature.VocabularySize;
        for (var i = 0; i < count; i++)
        {
            var member = members[i];
            member.Length++;
            Interlocked.Increment(ref _kvTokens);
            if (member.Left)
            {
                // Cancelled during the step: its row is dropped at the next re-pack.
                continue;
            }

            try
            {
                if (Accept(member, new LogitsRow(logits, i * vocabulary, vocabulary)))
                {
                    LeaveRunning(member, null);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStepFailed(_logger, ex, _config.Name, DeviceId);
                LeaveRunning(member, ex);
            }
        }

        Volatile.Write(ref _lastBatchSize, count);
        var ticks = Stopwatch.GetTimestamp() - started;
        Interlocked.Increment(ref _decodeSteps);
        Interlocked.Add(ref _decodeTicks, ticks);
        _metrics?.RecordDecode(_config.Name, DeviceId, count, TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency));
    }

    /// <summary>Samples and emits the next token; true when the sequence has finished.</summary>
    private bool Accept(Sequence sequence, LogitsRow logits)
    {
        var token = sequence.Sampler.Next(logits, out var logprobs);
        Interlocked.Increment(ref _generatedTokens);
        sequence.Generated++;
        sequence.Trace.Generated(sequence.Generated);
        sequence.LastToken = token;
        var options = sequence.Request.Options;
        var closed = sequence.Sampler.StructureClosed;
        FinishReason? finish =
            !options.IgnoreEos && _eosIds.Contains(token) ? FinishReason.Stop
            : closed ? FinishReason.Stop
            : sequence.Generated >= options.MaxTokens || sequence.Length >= _config.ContextLength ? FinishReason.Length
            : null;
        sequence.Emit(new TokenEvent(token, finish, logprobs) { ClosesStructure = closed && !_eosIds.Contains(token), CachedPromptTokens = sequence.CachedPromptTokens });
        return finish is not null;
    }

    private void FailBatch(IReadOnlyList<Sequence> members, Exception error)
    {
        foreach (var member in members)
        {
            if (!member.Left)
            {
                LeaveRunning(member, error);
            }
        }

        _batch.Clear();
    }

    /// <summary>A sequence that never joined the batch leaves: its own KV cache goes with it.</summary>
    private void LeaveWaiting(Sequence sequence, Exception? error)
    {
        Interlocked.Decrement(ref _waiting);
        Interlocked.Add(ref _kvTokens, -sequence.Length);
        sequence.Complete(error);
    }

    /// <summary>A member leaves; its positions stop counting now and its row is dropped at the next re-pack.</summary>
    private void LeaveRunning(Sequence sequence, Exception? error)
    {
        CacheOnLeaving(sequence, error);
        Interlocked.Decrement(ref _running);
        Interlocked.Add(ref _kvTokens, -sequence.Length);
        sequence.Complete(error);
    }

    private void Shutdown()
    {
        var stopped = new OperationCanceledException("The engine is shutting down.");
        _prefilling.ForEach(s => LeaveWaiting(s, stopped));
        _joining.ForEach(s => LeaveWaiting(s, stopped));
        ShutdownPreempted(stopped);
        FailBatch([.. _batch.Members], stopped);
        while (_inbox.Reader.TryRead(out var queued))
        {
            LeaveWaiting(queued, stopped);
        }

        ReleaseStaged();
    }
}
