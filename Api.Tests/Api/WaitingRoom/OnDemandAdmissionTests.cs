using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;

namespace Platform.Api.Tests.Api.WaitingRoom;

/// <summary>
/// Through the HTTP API with on-demand KV admission: a budget of 256 tokens that reserve-all would fill with one
/// request of max_tokens 200 admits several at once; their growth runs the budget out, so some are preempted and
/// recomputed, and each still gets exactly what it gets alone. Only 200s, and everything returns to zero.
/// </summary>
public sealed class OnDemandAdmissionTests
{
    private const int Requests = 6;

    [Fact]
    public async Task LongMaxTokens_SmallBudget_AdmittedTogether_PreemptedOnlyAsAPause_AndBackToZero()
    {
        await using var host = await SmallAppHost.StartAsync(new Dictionary<string, string>
        {
            ["Inference:MaxBatchSize"] = "8",
            ["Inference:MaxKvTokens"] = "256",
            ["WaitingRoom:MaxWait"] = "00:01:00",
            ["WaitingRoom:MaxQueuedPerProject"] = "100",
        });
        using var client = host.Client(await host.NewKeyAsync(10), TimeSpan.FromSeconds(90));
        var pool = host.LoadedModel.Pool;
        var rooms = host.Services.GetRequiredService<WaitingRooms>();
        var noEnd = "{" + string.Join(',', host.LoadedModel.Config.EosTokenIds.Select(id => $"\"{id}\":-100")) + "}";
        var body = $$"""{"model":"tiny-synthetic","prompt":"Hello there","max_tokens":200,"temperature":0,"logit_bias":{{noEnd}}}""";

        var alone = await CompleteAsync(client, body);
        Assert.Equal(0, (await host.ScrapeAsync()).Sum("platform_engine_preemptions_total"));

        var peak = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peak = Math.Max(peak, pool.Load.RunningSequences);
                await Task.Delay(1);
            }
        });
        var together = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => Task.Run(() => CompleteAsync(client, body))));
        await watching.CancelAsync();
        await watcher;

        Assert.All(together, r => Assert.Equal(200, r.Status));
        Assert.All(together, r => Assert.Equal((alone.Text, alone.CompletionTokens, "length"), (r.Text, r.CompletionTokens, r.Finish)));
        Assert.Equal(200, alone.CompletionTokens);
        Assert.True(peak > 1, $"at most {peak} sequence(s) ran at once");
        var scrape = await host.ScrapeAsync();
        Assert.True(scrape.Sum("platform_engine_preemptions_total") > 0, "no preemption: the budget did not run out");
        Assert.True(scrape.Sum("platform_engine_recomputed_tokens_total") > 0);

        await Poll.UntilAsync(
            () => pool.Load is { RunningSequences: 0, WaitingSequences: 0, ReservedSequences: 0, ReservedKvTokens: 0, UsedKvTokens: 0, PendingKvTokens: 0, PreemptedSequences: 0 } && rooms.Queues.Sum(q => q.Depth) == 0,
            $"the engine and the queue empty ({pool.Load})");
        var after = await host.ScrapeAsync();
        foreach (var gauge in new[] { "platform_engine_running_sequences", "platform_engine_waiting_sequences", "platform_engine_kv_reserved_tokens", "platform_engine_preempted_sequences", "platform_waiting_room_queue_depth" })
        {
            Assert.Equal(0, after.Sum(gauge));
        }
    }

    private static async Task<Result> CompleteAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 200)
        {
            return new Result((int)response.StatusCode, text, 0, null);
        }

        using var json = JsonDocument.Parse(text);
        var choice = json.RootElement.GetProperty("choices")[0];
        return new Result(200, choice.GetProperty("text").GetString()!, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), choice.GetProperty("finish_reason").GetString());
    }

    private sealed record Result(int Status, string Text, int CompletionTokens, string? Finish);
}
