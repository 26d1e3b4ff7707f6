using System.Diagnostics;

namespace Platform.Inference.Engine;

/// <summary>
/// A sequence's <c>prefill</c> and <c>decode</c> spans. The worker thread runs many sequences at once, so the
/// spans take the parent captured where the sequence was created (the request's span) and never become the
/// worker's ambient <see cref="Activity.Current"/>. Only the worker's loop calls it.
/// </summary>
internal sealed class SequenceTrace(int promptTokens)
{
    private readonly ActivityContext _parent = Activity.Current?.Context ?? default;
    private Activity? _prefill;
    private Activity? _decode;

    /// <summary>Called before each prefill chunk; the span covers them all.</summary>
    public void PrefillStarting()
    {
        if (_prefill is null && _decode is null)
        {
            _prefill = Start("prefill");
            _prefill?.SetTag("gen_ai.usage.input_tokens", promptTokens);
        }
    }

    /// <summary>The prompt is in the cache: prefill ends and decoding (from the first sampled token on) begins.</summary>
    public void PrefillFinished()
    {
        _prefill?.Stop();
        _prefill = null;
        _decode ??= Start("decode");
    }

    public void Generated(int tokens)
    {
        if (_decode is not null && tokens % EngineTracing.TokensPerEvent == 0)
        {
            _decode.AddEvent(new ActivityEvent("tokens", tags: new ActivityTagsCollection { ["gen_ai.usage.output_tokens"] = tokens }));
        }
    }

    public void Finished(int generated, Exception? error)
    {
        foreach (var span in new[] { _prefill, _decode })
        {
            if (span is null)
            {
                continue;
            }

            span.SetTag("gen_ai.usage.output_tokens", generated);
            if (error is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, error is OperationCanceledException ? "cancelled" : error.GetType().Name);
            }

            span.Stop();
        }

        _prefill = _decode = null;
    }

    private Activity? Start(string name)
    {
        var ambient = Activity.Current;
        var span = EngineTracing.Source.StartActivity(name, ActivityKind.Internal, _parent);
        Activity.Current = ambient;
        return span;
    }
}
