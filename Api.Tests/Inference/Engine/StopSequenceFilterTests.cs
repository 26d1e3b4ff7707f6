using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

public sealed class StopSequenceFilterTests
{
    [Fact]
    public void Push_StopSplitAcrossPieces_HeldBackAndNeverEmitted()
    {
        var filter = new StopSequenceFilter(["\nUser:"]);

        Assert.Equal(("Hello", false), filter.Push("Hello"));
        Assert.Equal((" there", false), filter.Push(" there\n"));
        Assert.Equal(("", false), filter.Push("Us"));
        Assert.Equal(("", true), filter.Push("er: more"));
    }

    [Fact]
    public void Push_FalseStart_ReleasedOnceItCannotMatch()
    {
        var filter = new StopSequenceFilter(["###"]);

        Assert.Equal(("a", false), filter.Push("a#"));
        Assert.Equal(("##b", false), filter.Push("#b"));
        Assert.Equal(("", false), filter.Push("#"));
        Assert.Equal("#", filter.Flush());
    }

    [Fact]
    public void Push_SeveralStops_EarliestWins()
    {
        var filter = new StopSequenceFilter(["END", "x"]);
        Assert.Equal(("ab", true), filter.Push("abxEND"));
    }

    [Fact]
    public void Push_NoStops_PassesThrough()
    {
        var filter = new StopSequenceFilter([]);
        Assert.Equal(("anything", false), filter.Push("anything"));
        Assert.Equal("", filter.Flush());
    }
}
