namespace Platform.Api.Lifecycle;

/// <summary>
/// A completion counted by the drain, as a request feature: the request's cancellation token then fires when the
/// client leaves or when the drain cuts it; this tells the two apart so a cut stream still gets its error event.
/// </summary>
internal sealed class DrainLease(CancellationToken clientAborted, CancellationToken cut)
{
    /// <summary>The client's own token (the connection), for writing the last event after a cut.</summary>
    public CancellationToken ClientAborted { get; } = clientAborted;

    /// <summary>Ended by the drain while the client was still there.</summary>
    public bool WasCut => cut.IsCancellationRequested && !ClientAborted.IsCancellationRequested;
}
