using System.Diagnostics;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The one way the tests wait: for a condition, with a deadline, instead of sleeping for a guessed time or looping
/// forever. A missed deadline fails the test with what it waited for.
/// </summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Waited {timeout.TotalSeconds:F1} s for {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Up to a minute: generous for a busy machine, and still a failure rather than a hang.</summary>
    public static Task UntilAsync(Func<bool> condition, string what) => UntilAsync(condition, TimeSpan.FromMinutes(1), what);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
