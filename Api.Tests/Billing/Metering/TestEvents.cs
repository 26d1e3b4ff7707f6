using Platform.Billing.Metering;

namespace Platform.Api.Tests.Billing.Metering;

internal static class TestEvents
{
    public static UsageEvent At(DateTimeOffset at, int completion = 3, string? model = "m", long? key = 1) => new(
        Guid.CreateVersion7(at), at, $"req_{Guid.NewGuid():N}", key is null ? null : 1, key is null ? null : 2, key, model, "/v1/chat/completions", 200,
        11, 2, completion, TimeSpan.FromMilliseconds(12.5), TimeSpan.FromMilliseconds(40), "stop", ModerationFlagged: true, Streamed: true, Cancelled: false);

    public static List<UsageEvent> Many(int count, DateTimeOffset at) => [.. Enumerable.Range(0, count).Select(i => At(at.AddMilliseconds(i), completion: i % 7))];
}
