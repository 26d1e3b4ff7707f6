using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Platform.Billing.Metering;

/// <summary>
/// The local append-only spool that keeps batches while Postgres cannot take them. Each batch is one frame
/// (magic, length, checksum, payload) appended and fsynced before the writer moves on, so an acknowledged batch
/// survives a crash; a frame cut short by a crash is detected by its length or checksum and ignored. Frames go to
/// the current segment file; replay seals it and reads closed segments, deleting each once Postgres has all of it.
/// The folder is a slot locked by this process (<c>flock</c> through <see cref="FileShare.None"/>), so two
/// instances never append to one file, and a slot left by a killed instance is taken over, data and all, by the
/// next one to start. Used by the metering writer's single loop only; the counters are read from any thread.
/// </summary>
internal sealed class MeteringSpool : IDisposable
{
    private const uint Magic = 0x50535031; // "PSP1"
    private const int HeaderSize = 4 + 4 + 8;

    private readonly FileStream _lock;
    private FileStream? _current;
    private long _sequence;
    private long _bytes;
    private long _events;

    public MeteringSpool(string directory)
    {
        (Directory, _lock) = TakeSlot(directory);
        foreach (var segment in SealedSegments())
        {
            _bytes += new FileInfo(segment).Length;
            _events += ReadSegment(segment).Sum(b => b.Count);
            _sequence = Math.Max(_sequence, SequenceOf(segment));
        }
    }

    /// <summary>This instance's slot folder.</summary>
    public string Directory { get; }

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Events => Interlocked.Read(ref _events);

    public bool HasData => Events > 0;

    /// <summary>Appends one batch and fsyncs it: when this returns, the batch is on disk.</summary>
    public void Append(IReadOnlyList<UsageEvent> batch)
    {
        var frame = Frame(batch);
        _current ??= new FileStream(SegmentPath(++_sequence), FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        var before = _current.Length;
        try
        {
            _current.Write(frame);
            _current.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A failed write (a full disk) may leave part of the frame behind, and replay stops at a torn frame: the
            // batches acknowledged after it must not follow it in the same segment.
            var failed = _current;
            _current = null;
            CountPartialFrame(failed, before);
            failed.Dispose();
            throw;
        }

        Interlocked.Add(ref _bytes, frame.Length);
        Interlocked.Add(ref _events, batch.Count);
    }

    /// <summary>
    /// Whatever part of a failed frame reached the file counts in <see cref="Bytes"/>, since deleting the segment
    /// later takes the whole file's size off again.
    /// </summary>
    private void CountPartialFrame(FileStream segment, long before)
    {
        try
        {
            Interlocked.Add(ref _bytes, segment.Length - before);
        }
        catch (IOException)
        {
            // The size stays as it was; the gauge is then off by the torn bytes until the segment is deleted.
        }
    }

    /// <summary>Sets aside a batch Postgres refuses for its data, for a person to look at; it is not replayed.</summary>
    public void Reject(IReadOnlyList<UsageEvent> batch)
    {
        using var rejected = new FileStream(Path.Combine(Directory, "rejected.spool"), FileMode.Append, FileAccess.Write, FileShare.Read);
        rejected.Write(Frame(batch));
        rejected.Flush(flushToDisk: true);
    }

    /// <summary>Closes the segment being appended to, so that replay can read it while new batches start another.</summary>
    public void Seal()
    {
        _current?.Dispose();
        _current = null;
    }

    /// <summary>Closed segments, oldest first.</summary>
    public IReadOnlyList<string> SealedSegments()
    {
        var current = _current?.Name;
        return [.. System.IO.Directory.EnumerateFiles(Directory, "segment-*.spool")
            .Where(p => p != current)
            .OrderBy(SequenceOf)];
    }

    /// <summary>The batches of a segment; a torn or damaged frame ends it (nothing after it was acknowledged).</summary>
    public static List<List<UsageEvent>> ReadSegment(string path)
    {
        var data = File.ReadAllBytes(path);
        var batches = new List<List<UsageEvent>>();
        var offset = 0;
        while (data.Length - offset >= HeaderSize)
        {
            var span = data.AsSpan(offset);
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || length < 0 || length > span.Length - HeaderSize)
            {
                break;
            }

            var payload = span.Slice(HeaderSize, length);
            if (!SHA256.HashData(payload).AsSpan(0, 8).SequenceEqual(span.Slice(8, 8)))
            {
                break;
            }

            batches.Add(UsageEventCodec.Decode(payload));
            offset += HeaderSize + length;
        }

        return batches;
    }

    /// <summary>Removes a segment whose every batch is now in Postgres.</summary>
    public void Delete(string segment, int events)
    {
        var size = new FileInfo(segment).Length;
        File.Delete(segment);
        Interlocked.Add(ref _bytes, -size);
        Interlocked.Add(ref _events, -events);
    }

    public void Dispose()
    {
        Seal();
        _lock.Dispose();
    }

    /// <summary>One frame (magic, length, checksum, payload): the journal writes its events in the same form.</summary>
    internal static byte[] Frame(IReadOnlyList<UsageEvent> batch)
    {
        var payload = UsageEventCodec.Encode(batch);
        var frame = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), payload.Length);
        SHA256.HashData(payload).AsSpan(0, 8).CopyTo(frame.AsSpan(8));
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    private string SegmentPath(long sequence) => Path.Combine(Directory, $"segment-{sequence.ToString("D12", CultureInfo.InvariantCulture)}.spool");

    private static long SequenceOf(string path) =>
        long.Parse(Path.GetFileNameWithoutExtension(path).AsSpan("segment-".Length), CultureInfo.InvariantCulture);

    private static (string Directory, FileStream Lock) TakeSlot(string root)
    {
        for (var slot = 0; slot < 1_000; slot++)
        {
            var directory = Path.Combine(root, $"slot-{slot.ToString(CultureInfo.InvariantCulture)}");
            System.IO.Directory.CreateDirectory(directory);
            try
            {
                return (directory, new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                // Another running instance holds this slot.
            }
        }

        throw new InvalidOperationException($"No free metering spool slot under '{root}'.");
    }
}
