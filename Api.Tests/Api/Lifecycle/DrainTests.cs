using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Usage;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Api.Lifecycle;

/// <summary>
/// SIGTERM to the app as a child process, as Kubernetes sends it in a rollout: the replica drains (not ready, new
/// completions and the waiting room refused with 503, running streams finish or, past <c>Api:DrainTimeout</c>, end
/// with an error event), flushes its metering and exits 0.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Streams = 32;

    // Long enough that every stream is still running when SIGTERM goes out even if this test process is starved for
    // seconds by the tests running beside it (400 tokens took under 4 s and once all ended before the signal in CI).
    private const int StreamTokens = 4000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private ReplicaEnvironment? _environment;

    private ReplicaEnvironment Environment => _environment!;

    public async Task InitializeAsync() => _environment = await ReplicaEnvironment.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sigterm_32StreamsInFlight_AllFinishNewRequest503ExitsZeroEveryRequestMetered()
    {
        await using var app = await Environment.StartReplicaAsync(new Dictionary<string, string>
        {
            ["Inference:MaxBatchSize"] = "32",
            ["Inference:MaxKvTokens"] = "131072",
            ["Api:DrainTimeout"] = "00:01:30",
        });
        await Environment.CreateInferenceKeyAsync(app.Address);
        using var client = Environment.Client(app.Address, Deadline);
        var started = Enumerable.Range(0, Streams).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var streams = started.Select(s => Task.Run(() => StreamOutcome.ReadAsync(client, "v1/completions", Environment.StreamBody(StreamTokens), s))).ToArray();
        await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(Deadline);
        Assert.All(streams, s => Assert.False(s.IsCompleted, $"a stream ended before SIGTERM: {(s.IsCompleted ? s.Result : null)}"));

        var clock = Stopwatch.StartNew();
        await app.TerminateAsync();

        // Not ready at once, while the streams still run.
        var (readyStatus, readyBody) = await WaitForReadyzAsync(client, 503, TimeSpan.FromSeconds(10));
        output.WriteLine($"/readyz {readyStatus} after {clock.ElapsedMilliseconds} ms: {readyBody}");
        Assert.Equal("draining", JsonDocument.Parse(readyBody).RootElement.GetProperty("status").GetString());

        using (var refused = await client.PostAsync(
            new Uri("v1/completions", UriKind.Relative),
            new StringContent($$"""{"model":"{{ReplicaEnvironment.Model}}","prompt":"Hi","max_tokens":2}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(503, (int)refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("server_is_overloaded", error.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal("server_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        Assert.Contains(streams, s => !s.IsCompleted);
        var outcomes = await Task.WhenAll(streams).WaitAsync(Deadline);
        Assert.All(outcomes, o => Assert.True(o.Complete, o.ToString()));
        Assert.All(outcomes, o => Assert.True(o.DataEvents > 1, $"{o.DataEvents} events"));

        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        output.WriteLine($"exited 0 {clock.ElapsedMilliseconds} ms after SIGTERM");
        Assert.Contains("Drained: no completion running", app.Log, StringComparison.Ordinal);

        // The process is gone: whatever it metered is in Postgres now, nothing left in memory.
        await using var data = Npgsql.NpgsqlDataSource.Create(Environment.Database.ConnectionString);
        Assert.Equal(Streams + 1L, await UsageEventsTable.CountAsync(data));
        Assert.Equal(Streams, (await UsageEventsTable.SumsAsync(data, $"status_code = 200 AND completion_tokens = {StreamTokens}")).Requests);
        Assert.Equal(1L, await UsageEventsTable.CountAsync(data, "status_code = 503"));
    }

    [Fact]
    public async Task Sigterm_StreamOutlastsTheDrainTimeout_EndsWithAnErrorEventAndTheQueuedRequestGets503AtOnce()
    {
        await using var app = await Environment.StartReplicaAsync(new Dictionary<string, string>
        {
            ["Inference:MaxBatchSize"] = "1",
            ["Inference:MaxKvTokens"] = "16384",
            ["WaitingRoom:MaxWait"] = "00:02:00",
            ["Api:DrainTimeout"] = "00:00:01",
        });
        await Environment.CreateInferenceKeyAsync(app.Address);
        using var client = Environment.Client(app.Address, Deadline);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // One stream holds the only slot for far longer than the drain allows (16,000 tokens take several seconds even
        // on an idle machine, where 4,000 once finished within the drain); a second request waits in the waiting room behind it.
        var running = Task.Run(() => StreamOutcome.ReadAsync(client, "v1/completions", Environment.StreamBody(16000), started));
        await started.Task.WaitAsync(Deadline);
        var queued = Task.Run(() => StreamOutcome.ReadAsync(client, "v1/completions", Environment.StreamBody(4)));
        await WaitAsync(async () => (await ScrapeAsync(client)).Sum("platform_waiting_room_queue_depth") == 1, "the second request to queue");

        var clock = Stopwatch.StartNew();
        await app.TerminateAsync();

        var refused = await queued.WaitAsync(Deadline);
        var refusedAfter = clock.Elapsed;
        var runningThen = !running.IsCompleted;
        var cut = await running.WaitAsync(Deadline);
        output.WriteLine($"queued one refused after {refusedAfter.TotalMilliseconds:F0} ms; running one ended after {clock.ElapsedMilliseconds} ms: {cut}");

        Assert.Equal(503, refused.Status);
        Assert.True(runningThen && refusedAfter < TimeSpan.FromSeconds(2.5), $"the queued request waited {refusedAfter} for its 503");
        Assert.Equal(200, cut.Status);
        Assert.False(cut.Done);
        Assert.Equal("server_shutting_down", cut.ErrorCode);
        Assert.Null(cut.Failure);

        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<(int Status, string Body)> WaitForReadyzAsync(HttpClient client, int status, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(new Uri("readyz", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode == status)
            {
                return (status, body);
            }

            Assert.True(clock.Elapsed < timeout, $"/readyz still {(int)response.StatusCode} after {timeout}: {body}");
            await Task.Delay(20);
        }
    }

    private static async Task<PrometheusParser> ScrapeAsync(HttpClient client) =>
        PrometheusParser.Parse(await client.GetStringAsync(new Uri("metrics", UriKind.Relative)));

    private static Task WaitAsync(Func<Task<bool>> condition, string what) => Poll.UntilAsync(condition, Deadline, what);
}
