using System.Diagnostics;

namespace Platform.Inference.Engine;

/// <summary>
/// On-demand KV memory: a running sequence takes one more block (<see cref="KvGrowth.BlockTokens"/>) from the budget
/// before a decode step would fill the ones it holds. When the budget has none left, the most recently admitted
/// sequence on this device is preempted: its KV is freed (its row leaves the batch at the re-pack of this step) and it
/// waits at the head of this device's queue, with its need promised to it (admission counts the promise as taken).
/// It resumes, oldest first, when the budget can take its need again: its prompt and the tokens it already emitted
/// are prefilled in one <c>Run</c> whose logits are dropped, so no token is sampled twice and its sampler (seed,
/// penalties, constraint cursor) continues where it stopped; its consumer sees only a pause.
/// </summary>
/// <remarks>
/// Progress: the oldest sequence is never the victim while another one holds tokens, and a sequence alone in the
/// batch is never preempted for itself. When nothing is left to preempt (what else holds the budget is a reservation whose sequence
/// has not arrived yet, or cache that cannot be evicted) the lone sequence takes its block regardless, so a request
/// that passed validation (prompt + max tokens within the budget) always finishes.
/// </remarks>
public sealed partial class DeviceWorker
{
    private readonly List<Sequence> _preempted = [];
    private long _arrivals;
    private int _preemptedCount;
    private long _preemptions;
    private long _recomputedTokens;

    /// <summary>Sequences preempted here since start-up.</summary>
    public long Preemptions => Interlocked.Read(ref _preemptions);

    /// <summary>Tokens prefilled again here to resume preempted sequences, since start-up.</summary>
    public long RecomputedTokens => Interlocked.Read(ref _recomputedTokens);

    private void Arrived(Sequence sequence)
    {
        sequence.AdmissionOrder = ++_arrivals;
        sequence.FullKvTokens = KvGrowth.FullTokens(sequence.Prompt.Length, sequence.Request.Options.MaxTokens, _config.ContextLength);
    }

    /// <summary>A row still in the batch after this step's re-pack: not finished, not preempted.</summary>
    private static bool StaysInBatch(Sequence member) => !member.Left && !member.Preempted;

    /// <summary>Before the decode step: every member about to write past what it holds takes a block, oldest first.</summary>
    private void GrowOrPreempt()
    {
        if (Budget.Admission == KvAdmission.Reserve || _batch.Count == 0 || !AnyOutgrowsItsHold())
        {
            return;
        }

        foreach (var member in _batch.Members.Where(StaysInBatch).OrderBy(m => m.AdmissionOrder).ToList())
        {
            if (member.Preempted || member.Kv is not { } hold)
            {
                continue;
            }

            var missing = member.Length + 1 - hold.Tokens;
            if (missing <= 0)
            {
                continue;
            }

            var block = Math.Max(missing, Math.Min(KvGrowth.BlockTokens, member.FullKvTokens - hold.Tokens));
            while (!hold.TryGrow(block))
            {
                // Alone in the batch it is never preempted for itself (prompts still waiting for prefill may be).
                var alone = _batch.Members.Count(StaysInBatch) == 1;
                var victim = Youngest(except: alone ? member : null);
                if (victim is null)
                {
                    hold.TryGrow(block, force: true);
                    break;
                }

                Preempt(victim);
                if (victim == member)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Whether a member's next position lies past its KV hold: once per block of tokens, so most steps skip the ordered pass (and its allocations).</summary>
    private bool AnyOutgrowsItsHold()
    {
        var members = _batch.Members;
        for (var i = 0; i < members.Count; i++)
        {
            if (StaysInBatch(members[i]) && members[i].Kv is { } hold && members[i].Length + 1 > hold.Tokens)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sequences holding budget here: members staying in the batch, and prompts waiting for or in prefill.</summary>
    private int Holders() => _batch.Members.Count(StaysInBatch) + _prefilling.Count + _joining.Count;

    private Sequence? Youngest(Sequence? except)
    {
        Sequence? youngest = null;
        foreach (var sequence in _batch.Members.Where(StaysInBatch).Concat(_prefilling))
        {
            if (sequence != except && (youngest is null || sequence.AdmissionOrder > youngest.AdmissionOrder))
            {
                youngest = sequence;
            }
        }

        return youngest;
    }

    private void Preempt(Sequence victim)
    {
        if (_prefilling.Remove(victim))
        {
            // Not decoding yet: its partial prefill goes, and it starts again from its prompt.
            victim.Cache?.Dispose();
            victim.Cache = null;
            victim.Prefilled = 0;
        }
        else
        {
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _waiting);
        }

        Interlocked.Add(ref _kvTokens, -victim.Length);
        victim.Length = 0;
        victim.Preempted = true;
        victim.Kv?.Release();
        victim.PromisedKvTokens = ResumeTokens(victim);
        Budget.Promise(victim.PromisedKvTokens);

        var at = _preempted.FindIndex(s => s.AdmissionOrder > victim.AdmissionOrder);
        _preempted.Insert(at < 0 ? _preempted.Count : at, victim);
        Volatile.Write(ref _preemptedCount, _preempted.Count);
        Interlocked.Increment(ref _preemptions);
    }

    /// <summary>What a preempted sequence needs to come back: what it held (prompt and emitted tokens) and one block.</summary>
    private static long ResumeTokens(Sequence sequence) =>
        Math.Min(sequence.FullKvTokens, sequence.RecomputeTokens().Length + (long)KvGrowth.BlockTokens);

    /// <summary>
    /// The oldest preempted sequence comes back when the budget can take its need and still leave a block to each
    /// sequence holding budget here; when nothing else holds any, it comes back regardless. One a step, so a long
    /// recompute delays the running streams by one <c>Run</c> at most.
    /// </summary>
    private void ResumePreempted()
    {
        for (var i = _preempted.Count - 1; i >= 0; i--)
        {
            if (_preempted[i].Cancellation.IsCancellationRequested)
            {
                var cancelled = _preempted[i];
                _preempted.RemoveAt(i);
                Settle(cancelled);
                LeaveWaiting(cancelled, new OperationCanceledException(cancelled.Cancellation));
            }
        }

        Volatile.Write(ref _preemptedCount, _preempted.Count);
        if (_preempted.Count == 0 || _batch.Members.Contains(_preempted[0]))
        {
            // Preempted in this very step: its old row goes at this step's re-pack first.
            return;
        }

        var sequence = _preempted[0];
        var holders = Holders();
        if (sequence.Kv is not { } hold || !hold.TryGrow(sequence.PromisedKvTokens, KvGrowth.BlockTokens * (long)holders, force: holders == 0))
        {
            return;
        }

        _preempted.RemoveAt(0);
        Volatile.Write(ref _preemptedCount, _preempted.Count);
        Settle(sequence);
        sequence.Preempted = false;
        if (sequence.Emitted.Count == 0)
        {
            // Preempted before its first token: an ordinary prefill, at the head of the queue.
            _prefilling.Insert(0, sequence);
            return;
        }

        Recompute(sequence);
    }

    /// <summary>Prefills the prompt and the emitted tokens but the last; the logits are dropped (those tokens are already out).</summary>
    private void Recompute(Sequence sequence)
    {
        var tokens = sequence.RecomputeTokens();
        var started = Stopwatch.GetTimestamp();
        try
        {
            sequence.Cache = _runner.CreateCache();
            using (_runner.Step(tokens, sequence.Cache))
            {
            }

            sequence.Length = tokens.Length;
            Interlocked.Add(ref _kvTokens, tokens.Length);
            _joining.Add(sequence);
            Interlocked.Add(ref _recomputedTokens, tokens.Length);
            _metrics?.RecordRecompute(_config.Name, DeviceId, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogStepFailed(_logger, ex, _config.Name, DeviceId);
            LeaveWaiting(sequence, ex);
        }
    }

    /// <summary>The promise to a preempted sequence is over (it resumed or left).</summary>
    private void Settle(Sequence sequence)
    {
        var promised = sequence.PromisedKvTokens;
        sequence.PromisedKvTokens = 0;
        Budget.Promise(-promised);
    }

    private void ShutdownPreempted(Exception stopped)
    {
        foreach (var sequence in _preempted)
        {
            Settle(sequence);
            LeaveWaiting(sequence, stopped);
        }

        _preempted.Clear();
        Volatile.Write(ref _preemptedCount, 0);
    }
}
