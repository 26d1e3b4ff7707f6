using System.Threading.Channels;

namespace Platform.Inference.Engine;

/// <summary>
/// A generation in flight, owned by one device worker: its tokens so far, KV cache, sampler and the channel
/// its consumer reads. Only the worker's loop touches the mutable state.
/// </summary>
internal sealed class Sequence : IDisposable
{
    private readonly Channel<TokenEvent> _output = Channel.CreateUnbounded<TokenEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public Sequence(GenerationRequest request, long seed, CancellationToken cancellation)
    {
        Request = request;
        Sampler = new Sampler(request.Options, seed);
        Cancellation = cancellation;
        PendingInput = [.. request.PromptIds];
    }

    public GenerationRequest Request { get; }

    public Sampler Sampler { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>Tokens not yet fed to the model: the prompt at first, then the last sampled token.</summary>
    public int[] PendingInput { get; set; }

    public int Generated { get; set; }

    public KvCache? Cache { get; set; }

    /// <summary>Capacity the engine reserved for this sequence itself, released when it leaves; null when the caller holds it.</summary>
    public EngineReservation? Reservation { get; init; }

    public ChannelReader<TokenEvent> Reader => _output.Reader;

    public void Emit(TokenEvent tokenEvent) => _output.Writer.TryWrite(tokenEvent);

    public void Complete(Exception? error = null)
    {
        _output.Writer.TryComplete(error);
        Dispose();
    }

    /// <summary>Frees the KV cache; called by the worker when the sequence leaves.</summary>
    public void Dispose()
    {
        Cache?.Dispose();
        Cache = null;
    }
}
