using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Platform.Billing.Metering;

/// <summary>
/// The append-only journal every usage event is written to on the request path, before the response's last byte
/// goes out: one spool frame per event, written with <c>write()</c> and no <c>fsync</c>, since a killed process
/// does not lose the page cache. <see cref="FlushToDisk"/> is called on an interval for power loss. The writer
/// <see cref="Rotate"/>s the file after each batch and reports handled events with <see cref="Done"/>; a closed
/// segment whose every event is in Postgres or the spool is deleted, so what a killed process leaves here is what
/// it had not handed on. Segments live in the spool's locked slot folder and use its frame format, so the next
/// process moves them into the spool and replays them (idempotent on the event id). Thread-safe.
/// </summary>
internal sealed class MeteringJournal : IDisposable
{
    private const string Prefix = "journal-";

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly Dictionary<long, Segment> _segments = [];
    private Segment? _current;
    private long _sequence;
    private long _failures;

    public MeteringJournal(string directory)
    {
        _directory = directory;
        _sequence = LeftOver(directory).Select(SequenceOf).DefaultIfEmpty(0).Max();
    }

    /// <summary>Events the journal could not take (a full or failing disk); they were still metered from memory.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Segments in <paramref name="directory"/> left by an earlier process, oldest first.</summary>
    public static IReadOnlyList<string> LeftOver(string directory) =>
        [.. Directory.EnumerateFiles(directory, Prefix + "*.spool").OrderBy(SequenceOf)];

    /// <summary>Appends one event (no fsync); the segment it went to, to pass to <see cref="Done"/>, or 0 when the disk refused it.</summary>
    public long Append(UsageEvent usage)
    {
        var frame = MeteringSpool.Frame([usage]);
        lock (_lock)
        {
            try
            {
                var segment = _current ??= Open();
                RandomAccess.Write(segment.Handle, frame, segment.Length);
                segment.Length += frame.Length;
                segment.Outstanding++;
                segment.Dirty = true;
                return segment.Sequence;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _failures);
                return 0;
            }
        }
    }

    /// <summary>
    /// Closes the segment being appended to (new events start another); a segment already fully handled is deleted
    /// at once, any other waits for its last events (and is fsynced meanwhile with the others, on the interval).
    /// </summary>
    public void Rotate()
    {
        lock (_lock)
        {
            var closed = _current;
            _current = null;
            if (closed is null)
            {
                return;
            }

            closed.Closed = true;
            if (closed.Outstanding == 0)
            {
                Remove(closed);
            }
        }
    }

    /// <summary>The writer has stored (or spooled, or given up on) <paramref name="events"/> events of segment <paramref name="sequence"/>.</summary>
    public void Done(long sequence, int events)
    {
        lock (_lock)
        {
            if (_segments.TryGetValue(sequence, out var segment))
            {
                segment.Outstanding -= events;
                if (segment.Closed && segment.Outstanding <= 0)
                {
                    Remove(segment);
                }
            }
        }
    }

    /// <summary>fsyncs every segment with events written since its last fsync: one fsync per interval, not per batch.</summary>
    public void FlushToDisk()
    {
        List<Segment> segments;
        lock (_lock)
        {
            segments = [.. _segments.Values];
        }

        // Outside the lock: requests never wait on an fsync.
        foreach (var segment in segments)
        {
            Sync(segment);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var segment in _segments.Values.ToList())
            {
                // Fully handled segments go; any other stays for the next process to replay.
                if (segment.Outstanding <= 0)
                {
                    Remove(segment);
                }
                else
                {
                    segment.Handle.Dispose();
                }
            }

            _segments.Clear();
            _current = null;
        }
    }

    private static void Sync(Segment segment)
    {
        if (!segment.Dirty)
        {
            return;
        }

        segment.Dirty = false;
        try
        {
            RandomAccess.FlushToDisk(segment.Handle);
        }
        catch (ObjectDisposedException)
        {
            // Deleted meanwhile: all of it reached Postgres or the spool.
        }
        catch (IOException)
        {
            segment.Dirty = true;
        }
    }

    private Segment Open()
    {
        var sequence = ++_sequence;
        var path = Path.Combine(_directory, $"{Prefix}{sequence.ToString("D12", CultureInfo.InvariantCulture)}.spool");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var segment = new Segment(sequence, path, handle);
        _segments[sequence] = segment;
        return segment;
    }

    private void Remove(Segment segment)
    {
        _segments.Remove(segment.Sequence);
        segment.Handle.Dispose();
        try
        {
            File.Delete(segment.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind, it is replayed by the next process: its events are already stored, so they count once.
        }
    }

    private static long SequenceOf(string path) =>
        long.Parse(System.IO.Path.GetFileNameWithoutExtension(path).AsSpan(Prefix.Length), CultureInfo.InvariantCulture);

    private sealed class Segment(long sequence, string path, SafeFileHandle handle)
    {
        public long Sequence { get; } = sequence;

        public string Path { get; } = path;

        public SafeFileHandle Handle { get; } = handle;

        public long Length { get; set; }

        public int Outstanding { get; set; }

        public bool Closed { get; set; }

        /// <summary>Written to since the last fsync; read and set outside the lock by the fsync.</summary>
        public bool Dirty
        {
            get => Volatile.Read(ref _dirty);
            set => Volatile.Write(ref _dirty, value);
        }

        private bool _dirty;
    }
}
