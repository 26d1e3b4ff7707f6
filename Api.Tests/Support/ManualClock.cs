namespace Platform.Api.Tests.Support;

/// <summary>A clock that moves only when told. Starts on a whole second, since Postgres keeps microseconds.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
