using System.Globalization;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Observability;
using Platform.Api.Streaming;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Api.WaitingRoom;

/// <summary>
/// A request's way through the waiting room and the engine capacity it then holds, until disposed (when the
/// response has ended: finished, failed or the client left). Admission is decided before any response byte, so a
/// refusal is a real 503; only a stream that opted in with <c>x-queue-updates: true</c> gets its headers first and
/// waits inside the stream (<see cref="WaitAsync"/>), hearing its queue position as SSE comments.
/// </summary>
internal sealed class Admission : IDisposable
{
    public const string QueueUpdatesHeader = "x-queue-updates";

    private readonly WaitingRooms _room;
    private readonly ModelQueue _queue;
    private readonly QueueTicket _ticket;
    private readonly HttpContext _context;
    private EngineReservation? _reservation;
    private long _admittedAt;
    private int _disposed;

    private Admission(WaitingRooms room, ModelQueue queue, QueueTicket ticket, HttpContext context)
    {
        _room = room;
        _queue = queue;
        _ticket = ticket;
        _context = context;
    }

    /// <summary>The capacity held; null only while an opted-in stream still waits.</summary>
    public EngineReservation? Reservation => _reservation;

    /// <summary>
    /// Admits the request now, or queues it (waiting here, or for an opted-in stream inside <see cref="WaitAsync"/>),
    /// or turns it away: 503 when the queue is full, the wait would be too long or it waited too long; 400 when no
    /// device could ever hold <paramref name="sequences"/> x <paramref name="kvTokensPerSequence"/>.
    /// </summary>
    public static async Task<Admission> EnterAsync(HttpContext context, LoadedModel model, int sequences, int kvTokensPerSequence, bool stream)
    {
        if (!model.Pool.CanEverFit(sequences, kvTokensPerSequence))
        {
            throw ApiException.InvalidValue(
                "n",
                $"{sequences} choices of {kvTokensPerSequence} KV-cache tokens each at admission need more sequence slots or KV-cache tokens than a device of model '{model.Name}' has. Ask for fewer choices or fewer max tokens.");
        }

        using var span = ApiTracing.Source.StartActivity("waiting_room");
        var room = context.RequestServices.GetRequiredService<WaitingRooms>();
        var queue = room.QueueFor(model);
        var tier = context.FindApiKey()?.Identity;
        var priority = tier?.Tier.Limits.WaitingRoomPriority ?? 0;
        var ticket = new QueueTicket(
            tier?.Project.Id.ToString(CultureInfo.InvariantCulture) ?? "",
            priority,
            queue.NextArrival(),
            priority <= room.Options.FreeTierMaxPriority,
            sequences,
            kvTokensPerSequence,
            room.Time.GetTimestamp());
        var admission = new Admission(room, queue, ticket, context);
        var outcome = queue.Enter(ticket, out var position, out var estimate);
        span?.SetTag("platform.waiting_room.entry", outcome.ToString());
        switch (outcome)
        {
            case EntryOutcome.Admitted:
                admission.Admitted(ticket.Admitted.Result);
                return admission;
            case EntryOutcome.QueueFull:
                throw admission.Refuse("queue_full", queue.EstimateTail());
            case EntryOutcome.ProjectQueueFull:
                throw admission.Refuse("project_queue_full", queue.EstimateTail());
            case EntryOutcome.Draining:
                throw admission.Refuse("draining", TimeSpan.FromSeconds(1));
            case EntryOutcome.EstimatedWaitTooLong:
                // By then the queue ahead should be short enough to wait through.
                throw admission.Refuse("estimated_wait", estimate - room.Options.MaxWait);
        }

        context.Response.Headers["x-queue-position"] = position.ToString(CultureInfo.InvariantCulture);
        if (stream && string.Equals(context.Request.Headers[QueueUpdatesHeader], "true", StringComparison.OrdinalIgnoreCase))
        {
            // The headers go out before the wait: the estimate is all there is to tell.
            context.Response.Headers["x-queue-wait-ms"] = Milliseconds(estimate);
            return admission;
        }

        try
        {
            await admission.WaitInQueueAsync(writer: null);
        }
        catch
        {
            // Admitted just as the client left: the capacity goes straight back.
            admission.Dispose();
            throw;
        }

        context.Response.Headers["x-queue-wait-ms"] = Milliseconds(room.Time.GetElapsedTime(ticket.EnteredAt));
        return admission;
    }

    /// <summary>For an opted-in stream still queued: waits, writing <c>: queue position N, estimated wait S s</c> as the position falls.</summary>
    public async Task WaitAsync(SseWriter writer)
    {
        if (_reservation is null)
        {
            using var span = ApiTracing.Source.StartActivity("waiting_room");
            await WaitInQueueAsync(writer);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_reservation is null && !_queue.Leave(_ticket) && _ticket.Admitted.IsCompletedSuccessfully)
        {
            // Admitted at the very moment the request ended: give the capacity straight back.
            Admitted(_ticket.Admitted.Result);
        }

        if (_reservation is { } reservation)
        {
            _queue.RecordHold(_room.Time.GetElapsedTime(_admittedAt));
            reservation.Dispose();
        }
    }

    private async Task WaitInQueueAsync(SseWriter? writer)
    {
        var aborted = _context.RequestAborted;
        var remaining = _room.Options.MaxWait - _room.Time.GetElapsedTime(_ticket.EnteredAt);
        using var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1), _room.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
        try
        {
            if (writer is null)
            {
                await _ticket.Admitted.WaitAsync(linked.Token);
            }
            else
            {
                await ReportPositionsAsync(writer, linked.Token);
            }
        }
        catch (Exception) when (_queue.Leave(_ticket))
        {
            var waited = _room.Time.GetElapsedTime(_ticket.EnteredAt);
            if (aborted.IsCancellationRequested || !timeout.IsCancellationRequested)
            {
                _room.Metrics.Waited(_queue.Model, "cancelled", waited);
                throw;
            }

            throw Refuse("timeout", _queue.EstimateTail(), queued: true);
        }
        catch (Exception)
        {
            // Admitted while it failed (the client left at that moment: hold it, so Dispose gives it back), or evicted.
        }

        if (_ticket.Admitted.Exception?.InnerException is ServerDrainingException)
        {
            throw Refuse("draining", TimeSpan.FromSeconds(1), queued: true);
        }

        if (_ticket.Admitted.IsFaulted)
        {
            throw Refuse("queue_full", _queue.EstimateTail(), queued: true);
        }

        if (_ticket.Admitted.IsCompletedSuccessfully)
        {
            _room.Metrics.Waited(_queue.Model, "admitted", _room.Time.GetElapsedTime(_ticket.EnteredAt));
            Admitted(_ticket.Admitted.Result);
        }

        aborted.ThrowIfCancellationRequested();
    }

    private async Task ReportPositionsAsync(SseWriter writer, CancellationToken cancellationToken)
    {
        var last = int.MaxValue;
        while (!_ticket.Admitted.IsCompleted)
        {
            var changed = _queue.Changed;
            var position = _queue.PositionOf(_ticket);
            if (position > 0 && position < last)
            {
                var seconds = Math.Ceiling(_queue.Estimate(_ticket).TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await writer.WriteCommentAsync($"queue position {position}, estimated wait {seconds} s", cancellationToken);
                last = position;
            }

            await Task.WhenAny(_ticket.Admitted, changed).WaitAsync(cancellationToken);
        }
    }

    private void Admitted(EngineReservation reservation)
    {
        _reservation = reservation;
        _admittedAt = _room.Time.GetTimestamp();
    }

    /// <summary>The 503; <paramref name="queued"/> when the request had been waiting (timed out, or pushed out of a full queue).</summary>
    private ApiException Refuse(string reason, TimeSpan retryAfter, bool queued = false)
    {
        _room.Metrics.Rejected(reason);
        if (queued)
        {
            _room.Metrics.Waited(_queue.Model, "rejected", _room.Time.GetElapsedTime(_ticket.EnteredAt));
        }

        return Overloaded.Refuse(_context, _queue.Model, reason, retryAfter > _room.Options.MaxWait ? _room.Options.MaxWait : retryAfter);
    }

    private static string Milliseconds(TimeSpan value) => ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
}
