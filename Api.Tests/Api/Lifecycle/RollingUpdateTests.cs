using System.Diagnostics;
using System.Text;
using Platform.Api.Tests.Usage;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Api.Lifecycle;

/// <summary>
/// A rolling update on loopback: two replicas behind a proxy that retries 503s and connection failures on the other
/// one (as the gateway does). Replica A is drained (SIGTERM) and replaced while 200 requests flow: none fails, no
/// stream breaks, and each is metered once.
/// </summary>
public sealed class RollingUpdateTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 200;
    private const int Clients = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Inference:MaxBatchSize"] = "16",
        ["Inference:MaxKvTokens"] = "16384",
        ["Api:DrainTimeout"] = "00:01:00",
    };

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
    public async Task RollingUpdate_ReplicaADrainedAndReplacedUnderLoad_NoRequestFailsNoStreamBreaks()
    {
        var a = await Environment.StartReplicaAsync(Settings);
        await using var b = await Environment.StartReplicaAsync(Settings);
        ChildApp? replacement = null;
        try
        {
            await Environment.CreateInferenceKeyAsync(a.Address);
            await using var proxy = await RetryingProxy.StartAsync(a.Address, b.Address);
            using var client = Environment.Client(proxy.Address, Deadline);

            var issued = 0;
            var finished = 0;
            var rolledOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var outcomes = new StreamOutcome[Requests];

            // The last quarter of the requests waits for the new replica A, so traffic flows before, during and after the rollout.
            var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref issued) - 1) < Requests)
                {
                    if (index >= Requests * 3 / 4)
                    {
                        await rolledOut.Task.WaitAsync(Deadline);
                    }

                    outcomes[index] = await SendAsync(client, index);
                    Interlocked.Increment(ref finished);
                    await Task.Delay(50);
                }
            })).ToArray();

            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref finished) < Requests / 5)
            {
                Assert.True(clock.Elapsed < Deadline, "traffic did not start");
                await Task.Delay(20);
            }

            await a.TerminateAsync();
            Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            var duringDrain = Volatile.Read(ref finished);
            replacement = await Environment.StartReplicaAsync(Settings);
            proxy.Replace(0, replacement.Address);
            output.WriteLine($"A drained and exited 0 after {duringDrain} requests; new A at {replacement.Address} after {Volatile.Read(ref finished)}");
            rolledOut.SetResult();

            await Task.WhenAll(workers).WaitAsync(Deadline);
            output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:F1} s, {proxy.Retries} retried on the other replica");

            Assert.All(outcomes, o => Assert.True(o.Complete, o.ToString()));
            Assert.True(proxy.Retries > 0, "the rollout never made the proxy retry: the test did not exercise the drain");

            // Each request metered exactly once, by whichever replica answered it (plus the 503s that were retried).
            await using var data = Npgsql.NpgsqlDataSource.Create(Environment.Database.ConnectionString);
            await UsageEventsTable.WaitForCountAsync(data, Requests, TimeSpan.FromSeconds(30), "status_code = 200");
        }
        finally
        {
            await a.DisposeAsync();
            if (replacement is not null)
            {
                await replacement.DisposeAsync();
            }
        }
    }

    /// <summary>Every other request streams; each must end with <c>[DONE]</c> (a whole response counts as one event).</summary>
    private async Task<StreamOutcome> SendAsync(HttpClient client, int index)
    {
        if (index % 2 == 0)
        {
            return await StreamOutcome.ReadAsync(client, "v1/completions", Environment.StreamBody(40));
        }

        using var content = new StringContent($$"""{"model":"{{ReplicaEnvironment.Model}}","prompt":"Hi","max_tokens":8}""", Encoding.UTF8, "application/json");
        try
        {
            using var response = await client.PostAsync(new Uri("v1/completions", UriKind.Relative), content);
            var text = await response.Content.ReadAsStringAsync();
            var whole = (int)response.StatusCode == 200 && text.Contains("\"choices\"", StringComparison.Ordinal);
            return new StreamOutcome((int)response.StatusCode, 1, whole, whole ? null : text, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return new StreamOutcome(0, 0, false, null, ex.Message);
        }
    }
}
