using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Platform.Inference.Models;

namespace Platform.Inference.Engine;

/// <summary>
/// The single owner of one device's session: a dedicated thread running the continuous-batching scheduler
/// (<c>DeviceWorker.Scheduler.cs</c>). Sequences arrive through a bounded inbox, already holding reserved capacity;
/// each step prefills new ones (in chunks) and decodes every running one in a single batched <c>Run</c>.
/// </summary>
public sealed partial class DeviceWorker : IDisposable
{
    private readonly DecoderRunner _runner;
    private readonly ModelConfig _config;
    private readonly ILogger _logger;
    private readonly Channel<Sequence> _inbox;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;
    private readonly HashSet<int> _eosIds;
    private readonly EngineMetrics? _metrics;
    private readonly DecodeBatch _batch;
    private readonly List<Sequence> _prefilling = [];
    private readonly List<Sequence> _joining = [];
    private readonly List<StagedKv> _staged = [];
    private int _lastBatchSize;
    private bool _chunkedPrefill;
    private bool _batchedPrefill;
    private long _decodeSteps;
    private int _disposed;
    private long _decodeTicks;
    private long _decodeOnlySteps;
    private long _decodeOnlyStepsWithoutAllocation;
    private long _decodeOnlyAllocatedBytes;
    private int _running;
    private int _waiting;
    private long _kvTokens;
    private long _generatedTokens;

    internal DeviceWorker(ModelConfig config, DecoderRunner runner, int deviceId, EngineLimits limits, ILogger logger, EngineMetrics? metrics = null)
    {
        _metrics = metrics;
        _batch = new DecodeBatch(runner, config.ContextLength);
        _config = config;
        _runner = runner;
        _logger = logger;
        DeviceId = deviceId;
        Budget = new DeviceBudget(deviceId, limits.MaxBatchSize, limits.MaxKvTokens, limits.KvAdmission);
        MaxTokensPerStep = limits.MaxTokensPerStep;
        _eosIds = [.. config.EosTokenIds];
        _prefixCache = limits.PrefixCacheTokens >= KvBlock.Size ? new PrefixCache(runner.Session.Runtime, runner.Signature, limits.PrefixCacheTokens) : null;
        if (_prefixCache is { } cache)
        {
            // Cached blocks live in the same memory the budget hands out: they count as used, and are evicted before
            // an admission, a growth or a resume is refused.
            Budget.CachedKvTokens = cache.UnusedTokens;
            Budget.EvictCached = cache.Evict;
        }

        // Every sequence here holds one of at most MaxBatchSize reserved slots, so the inbox never fills.
        _inbox = Channel.CreateBounded<Sequence>(new BoundedChannelOptions(limits.MaxBatchSize) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _thread = new Thread(Loop) { IsBackground = true, Name = $"engine:{config.Name}:{deviceId}" };
        _thread.Start();
    }

    public int DeviceId { get; }

    public string ExecutionProvider => _runner.Session.ExecutionProvider;

    /// <summary>Sequences this device runs at once (its MaxBatchSize).</summary>
    public int Capacity => Budget.MaxBatchSize;

    /// <summary>Sequences queued or running here.</summary>
    public int Active => Volatile.Read(ref _running) + Volatile.Read(ref _waiting);

    /// <summary>Tokens one step processes at most, decode first, so running streams keep flowing past a long prompt.</summary>
    public int MaxTokensPerStep { get; }

    public DeviceLoad Load => new(
        DeviceId,
        Volatile.Read(ref _running),
        Volatile.Read(ref _waiting),
        Budget.ReservedSequences,
        Budget.MaxBatchSize,
        Budget.ReservedKvTokens,
        KvTokens,
        Budget.MaxKvTokens)
    {
        PendingKvTokens = Budget.PendingKvTokens,
        CachedKvTokens = Budget.CachedKvTokens(),
        PreemptedSequences = Volatile.Read(ref _preemptedCount),
    };

    internal DeviceBudget Budget { get; }

    /// <summary>Sequences in the last decode step.</summary>
    public int LastBatchSize => Volatile.Read(ref _lastBatchSize);

    /// <summary>Batched decode steps run here since start-up, and the <see cref="System.Diagnostics.Stopwatch"/> ticks they took (sampling included).</summary>
    internal (long Steps, long Ticks) DecodeSteps => (Interlocked.Read(ref _decodeSteps), Interlocked.Read(ref _decodeTicks));

    /// <summary>
    /// Steps that only decoded (no arrival, prefill, join or resume), how many of them allocated no managed memory
    /// on this thread, and the managed bytes they allocated in all: the scheduler's own cost per token.
    /// </summary>
    internal (long Steps, long WithoutAllocation, long AllocatedBytes) DecodeOnlySteps =>
        (Interlocked.Read(ref _decodeOnlySteps), Interlocked.Read(ref _decodeOnlyStepsWithoutAllocation), Interlocked.Read(ref _decodeOnlyAllocatedBytes));

    /// <summary>Tokens generated here since start-up.</summary>
    public long GeneratedTokens => Interlocked.Read(ref _generatedTokens);

    /// <summary>Positions held in the KV caches of the sequences running here.</summary>
    public long KvTokens => Interlocked.Read(ref _kvTokens);

    public DecoderSignature Signature => _runner.Signature;

    internal Ort.OrtSession Session => _runner.Session;

    /// <summary>Stopwatch ticks this device has spent inside ORT's <c>Run</c>.</summary>
    internal long RunTicks => _runner.RunTicks;

    /// <summary>Streams the generated tokens; cancelling (or abandoning the enumeration) stops the sequence within one step.</summary>
    /// <remarks>The caller has taken one of <paramref name="reservation"/>'s slots; an owned reservation is released when the sequence leaves.</remarks>
    internal async IAsyncEnumerable<TokenEvent> GenerateAsync(
        GenerationRequest request,
        long seed,
        EngineReservation reservation,
        bool ownsReservation,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var sequence = new Sequence(request, seed, linked.Token) { Reservation = ownsReservation ? reservation : null, Kv = reservation.HandOver() };
        Interlocked.Increment(ref _waiting);
        try
        {
            await _inbox.Writer.WriteAsync(sequence, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _waiting);
            sequence.Kv?.Release();
            sequence.Reservation?.Dispose();
            throw;
        }

        try
        {
            await foreach (var tokenEvent in sequence.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // Tokens already buffered are not delivered after cancellation.
                cancellationToken.ThrowIfCancellationRequested();
                yield return tokenEvent;
            }
        }
        finally
        {
            // Abandoned early: tell the loop, which frees the KV cache at its next step.
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Closed before the stop, so no sequence can be queued after the loop's last drain and wait unanswered.
        _inbox.Writer.TryComplete();
        _stopping.Cancel();
        _thread.Join();
        _batch.Dispose();
        _prefixCache?.Dispose();
        _runner.ReleaseBuffers();
        _runner.Session.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Throws for a prompt or options this model cannot run, before anything is queued.</summary>
    public void Validate(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Validate();
        var prompt = request.PromptIds;
        if (prompt.Count == 0)
        {
            throw new InvalidPromptException($"Model '{_config.Name}': the prompt is empty.");
        }

        if (prompt.Count > _config.ContextLength)
        {
            throw new InvalidPromptException($"Model '{_config.Name}': the prompt has {prompt.Count} tokens, more than the context length of {_config.ContextLength}.");
        }

        var vocabulary = _runner.Signature.VocabularySize;
        foreach (var id in prompt)
        {
            if (id < 0 || id >= vocabulary)
            {
                throw new InvalidPromptException($"Model '{_config.Name}': token id {id} is outside the model's vocabulary of {vocabulary}.");
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Model {Model} on device {Device}: a generation step failed")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string model, int device);
}
