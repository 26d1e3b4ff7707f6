using System.Threading.Channels;

namespace Platform.Inference.Engine;

/// <summary>
/// A generation in flight, owned by one device worker: its progress, its own KV cache while it prefills (then a
/// row of the batch's), its sampler and the channel its consumer reads. Only the worker's loop touches the mutable state.
/// </summary>
internal sealed partial class Sequence : IDisposable
{
    private readonly Channel<TokenEvent> _output = Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public Sequence(GenerationRequest request, long seed, CancellationToken cancellation)
    {
        Request = request;
        Sampler = new Sampler(request.Options, seed);
        Cancellation = cancellation;
        Prompt = [.. request.PromptIds];
        Trace = new SequenceTrace(Prompt.Length);
    }

    public GenerationRequest Request { get; }

    public int[] Prompt { get; }

    public Sampler Sampler { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>Prompt tokens already prefilled; prefill runs in chunks until it reaches the prompt's length.</summary>
    public int Prefilled { get; set; }

    public bool PrefillDone => Prefilled == Prompt.Length;

    /// <summary>Positions in this sequence's KV cache (its own, or its row of the batch).</summary>
    public int Length { get; set; }

    /// <summary>The last sampled token: the next decode step's input.</summary>
    public int LastToken { get; set; }

    public int Generated { get; set; }

    /// <summary>Where its KV cache waits to join the batch when it was prefilled with others (the group owns the tensors).</summary>
    public (StagedKv Group, int Row)? Staged { get; set; }

    /// <summary>Row in the running batch; -1 before it joins.</summary>
    public int BatchRow { get; set; } = -1;

    /// <summary>Finished, failed or cancelled: its row is dropped at the next re-pack.</summary>
    public bool Left { get; private set; }

    public KvCache? Cache { get; set; }

    /// <summary>Prompt tokens copied from the prefix cache instead of prefilled (reported to the client as cached).</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Whether the prefix cache has been asked for this prompt (once, before its first prefill).</summary>
    public bool PrefixLookedUp { get; set; }

    /// <summary>Capacity the engine reserved for this sequence itself, released when it leaves; null when the caller holds it.</summary>
    public EngineReservation? Reservation { get; init; }

    /// <summary>Its prefill and decode spans, children of the span current where it was created.</summary>
    public SequenceTrace Trace { get; }

    public ChannelReader<TokenEvent> Reader => _output.Reader;

    public void Emit(TokenEvent tokenEvent)
    {
        _emitted.Add(tokenEvent.TokenId);
        _output.Writer.TryWrite(tokenEvent);
    }

    public void Complete(Exception? error = null)
    {
        Left = true;
        Trace.Finished(Generated, error);
        _output.Writer.TryComplete(error);
        Dispose();
        Kv?.Release();
        Reservation?.Dispose();
    }

    /// <summary>Frees the KV cache; called by the worker when the sequence leaves.</summary>
    public void Dispose()
    {
        Cache?.Dispose();
        Cache = null;
    }
}
