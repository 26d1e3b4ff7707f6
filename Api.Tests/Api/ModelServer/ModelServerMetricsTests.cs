using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.ModelServer;
using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Api.ModelServer;

/// <summary>
/// The Model Server Protocol metrics the endpoint picker scrapes, read from <c>/metrics</c> under load and compared
/// with the engine's and the waiting room's own state read just before and just after the scrape.
/// </summary>
public sealed class ModelServerMetricsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Metrics_Idle_AllFourSeriesAsGaugesAtZeroAndNoLora()
    {
        await using var host = await SmallAppHost.StartAsync(new Dictionary<string, string>());

        var scrape = await host.ScrapeAsync();

        foreach (var name in new[] { ModelServerMetrics.QueuedRequests, ModelServerMetrics.RunningRequests, ModelServerMetrics.KvCacheUtilization, ModelServerMetrics.LoraRequestsInfo })
        {
            Assert.Equal("gauge", scrape.Types[name]);
            Assert.Single(scrape.Named(name));
        }

        Assert.Equal(0, scrape.Sum(ModelServerMetrics.QueuedRequests));
        Assert.Equal(0, scrape.Sum(ModelServerMetrics.RunningRequests));
        Assert.Equal(0, scrape.Sum(ModelServerMetrics.KvCacheUtilization));
        var lora = Assert.Single(scrape.Named(ModelServerMetrics.LoraRequestsInfo));
        Assert.Equal("0", lora.Labels["max_lora"]);
        Assert.Equal("", lora.Labels.GetValueOrDefault("running_lora_adapters", ""));
        Assert.Equal("", lora.Labels.GetValueOrDefault("waiting_lora_adapters", ""));
        Assert.True(lora.Value > 1.7e9, "the info series carries a Unix timestamp");
    }

    [Fact]
    public async Task Metrics_UnderLoad_MatchTheEngineAndWaitingRoomState()
    {
        await using var host = await SmallAppHost.StartAsync(new Dictionary<string, string>
        {
            ["Inference:MaxBatchSize"] = "3",
            ["Inference:MaxKvTokens"] = "6144",

            // Reserve-all: the reserved tokens move only when membership does, so a stable reading can be caught
            // (on demand they grow every 16 tokens of every stream).
            ["Inference:KvAdmission"] = "reserve",
            ["WaitingRoom:MaxWait"] = "00:01:00",
            ["WaitingRoom:MaxQueuedPerProject"] = "100",
        }, contextLength: 2048);
        var key = await host.NewKeyAsync(10);
        var pool = host.LoadedModel.Pool;
        var rooms = host.Services.GetRequiredService<WaitingRooms>();
        var noEnd = "{" + string.Join(',', host.LoadedModel.Config.EosTokenIds.Select(id => $"\"{id}\":-100")) + "}";
        using var client = host.Client(key, Deadline);
        using var stop = new CancellationTokenSource();

        // Three long streams fill the three engine slots and four more requests wait behind them. Once all seven have
        // arrived nothing else does, so the waiting room only shrinks and every change of membership shows in the
        // reading: a reading equal before and after the scrape means the state did not move while it was taken.
        // The streams are long (2,000 tokens) so that the first three outlast the readings on a slow machine; they are
        // cancelled once the readings are done.
        var requests = Enumerable.Range(0, 7).Select(_ => Task.Run(async () =>
        {
            using var content = new StringContent(
                $$"""{"model":"tiny-synthetic","prompt":"Hello there","max_tokens":2000,"temperature":1,"stream":true,"logit_bias":{{noEnd}}}""",
                Encoding.UTF8,
                "application/json");
            try
            {
                using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), content, stop.Token);
                Assert.Equal(200, (int)response.StatusCode);
                await response.Content.ReadAsStringAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        })).ToArray();

        var clock = Stopwatch.StartNew();
        var checkedStable = 0;
        var allArrived = false;
        while (checkedStable < 3)
        {
            Assert.True(clock.Elapsed < Deadline, $"no stable reading with requests both running and queued within {Deadline}; {checkedStable} found");
            Assert.False(requests.All(r => r.IsCompleted), $"all requests ended with {checkedStable} stable readings found");
            var before = Read(pool, rooms);
            var scrape = await host.ScrapeAsync();
            var after = Read(pool, rooms);
            allArrived |= before.InRoom + before.EngineWaiting + before.Running == requests.Length;
            if (!allArrived || before != after || before.Running == 0 || before.InRoom == 0)
            {
                continue;
            }

            // Nothing changed around the scrape: it must show exactly this state.
            Assert.Equal(before.InRoom + before.EngineWaiting, scrape.Sum(ModelServerMetrics.QueuedRequests));
            Assert.Equal(before.Running, scrape.Sum(ModelServerMetrics.RunningRequests));
            Assert.Equal((double)before.Reserved / before.Budget, scrape.Sum(ModelServerMetrics.KvCacheUtilization), 9);
            Assert.InRange(scrape.Sum(ModelServerMetrics.KvCacheUtilization), 1e-9, 1);

            // And agree with the detailed series of the same scrape.
            Assert.Equal(scrape.Sum("platform_waiting_room_queue_depth") + scrape.Sum("platform_engine_waiting_sequences"), scrape.Sum(ModelServerMetrics.QueuedRequests));
            Assert.Equal(scrape.Sum("platform_engine_running_sequences"), scrape.Sum(ModelServerMetrics.RunningRequests));
            Assert.Equal(scrape.Sum("platform_engine_kv_reserved_tokens") / scrape.Sum("platform_engine_kv_budget_tokens"), scrape.Sum(ModelServerMetrics.KvCacheUtilization), 9);
            checkedStable++;
        }

        await stop.CancelAsync();
        await Task.WhenAll(requests).WaitAsync(Deadline);
    }

    private static Reading Read(DevicePool pool, WaitingRooms rooms)
    {
        var load = pool.Load;
        return new Reading(rooms.Queues.Sum(q => q.Depth), load.WaitingSequences, load.RunningSequences, load.ReservedKvTokens, load.MaxKvTokens);
    }

    private readonly record struct Reading(int InRoom, int EngineWaiting, int Running, long Reserved, long Budget);
}
