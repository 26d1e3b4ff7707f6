using Platform.Api.Tests.Inference.Synthetic;
using Platform.Billing.Metering;

namespace Platform.Api.Tests.Billing.Metering;

public sealed class MeteringSpoolTests
{
    [Fact]
    public void Spool_AppendSealRead_ReturnsEveryBatchInOrder()
    {
        using var folder = new TempDirectory();
        using var spool = new MeteringSpool(folder.Path);
        var first = TestEvents.Many(3, DateTimeOffset.UtcNow);
        var second = TestEvents.Many(2, DateTimeOffset.UtcNow);

        spool.Append(first);
        spool.Append(second);
        spool.Seal();

        var segment = Assert.Single(spool.SealedSegments());
        var batches = MeteringSpool.ReadSegment(segment);
        Assert.Equal([first, second], batches);
        Assert.Equal(5, spool.Events);
        spool.Delete(segment, 5);
        Assert.Equal(0, spool.Bytes);
        Assert.False(spool.HasData);
    }

    [Fact]
    public void Spool_TornLastFrame_IgnoredAndEarlierBatchesKept()
    {
        using var folder = new TempDirectory();
        string segment;
        using (var spool = new MeteringSpool(folder.Path))
        {
            spool.Append(TestEvents.Many(4, DateTimeOffset.UtcNow));
            spool.Append(TestEvents.Many(6, DateTimeOffset.UtcNow));
            spool.Seal();
            segment = Assert.Single(spool.SealedSegments());
        }

        // A crash in the middle of the second append.
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 7);
        }

        using var reopened = new MeteringSpool(folder.Path);
        Assert.Equal(4, reopened.Events);
        Assert.Equal(4, Assert.Single(MeteringSpool.ReadSegment(segment)).Count);
    }

    [Fact]
    public void Spool_TwoInstances_TakeDifferentSlots_AndALeftSlotIsTakenOver()
    {
        using var folder = new TempDirectory();
        var first = new MeteringSpool(folder.Path);
        first.Append(TestEvents.Many(2, DateTimeOffset.UtcNow));
        using var second = new MeteringSpool(folder.Path);
        Assert.NotEqual(first.Directory, second.Directory);
        Assert.Equal(0, second.Events);

        first.Dispose();
        using var successor = new MeteringSpool(folder.Path);
        Assert.Equal(first.Directory, successor.Directory);
        Assert.Equal(2, successor.Events);
    }

    [Fact]
    public void Spool_AppendFails_LaterBatchesGoToANewSegmentThatReplayReads()
    {
        using var folder = new TempDirectory();
        using var spool = new MeteringSpool(folder.Path);
        // The first segment's writes fail as on a full disk; such a failure can leave part of a frame behind.
        var failing = Path.Combine(spool.Directory, "segment-000000000001.spool");
        File.CreateSymbolicLink(failing, "/dev/full");
        var lost = TestEvents.Many(3, DateTimeOffset.UtcNow);
        var kept = TestEvents.Many(2, DateTimeOffset.UtcNow);

        Assert.ThrowsAny<IOException>(() => spool.Append(lost));
        File.Delete(failing);
        spool.Append(kept);
        spool.Seal();

        // Not appended behind the failed write, where replay (which stops at a torn frame) would never reach it.
        var segment = Assert.Single(spool.SealedSegments());
        Assert.Equal([kept], MeteringSpool.ReadSegment(segment));
        Assert.Equal(2, spool.Events);

        // The gauges stay true across the failure: deleting what was replayed leaves nothing counted.
        Assert.Equal(new FileInfo(segment).Length, spool.Bytes);
        spool.Delete(segment, 2);
        Assert.Equal(0, spool.Bytes);
        Assert.Equal(0, spool.Events);
    }
}
