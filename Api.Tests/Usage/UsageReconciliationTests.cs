using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Pricing;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// Random traffic of many keys, projects, organizations and models (streamed, whole, failed, unauthenticated) on an
/// app of its own, with a price change in the middle; then every report must equal the raw events and what the
/// test itself sent and was told.
/// </summary>
public sealed class UsageReconciliationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] Models = [ApiFixture.Llama, ApiFixture.Gpt2, ApiFixture.Synthetic];

    // Half the prompts start with it, so the prefix cache serves part of them: cached tokens must reconcile too.
    private static readonly string SharedPreamble = string.Concat(Enumerable.Repeat("Answer as briefly as you can, please. ", 4));

    [Fact]
    public async Task Reports_RandomTraffic_EqualRawEventsAndWhatTheClientsWereTold()
    {
        var services = api.Services;
        var data = services.GetRequiredService<NpgsqlDataSource>();
        var tier = await UsageAccounts.UnlimitedTierAsync(services);
        var orgA = await UsageAccounts.OrganizationAsync(services);
        var orgB = await UsageAccounts.OrganizationAsync(services);
        var keys = (await UsageAccounts.KeysAsync(services, orgA, tier, 2, 2)).Concat(await UsageAccounts.KeysAsync(services, orgB, tier, 2, 1)).ToList();
        var adminA = (await UsageAccounts.KeysAsync(services, orgA, tier, 1, 1, ApiKeyScopes.Admin)).Single();
        var adminB = (await UsageAccounts.KeysAsync(services, orgB, tier, 1, 1, ApiKeyScopes.Admin)).Single();
        var prices = services.GetRequiredService<ModelPriceRepository>();
        var now = DateTimeOffset.UtcNow;
        await prices.CreateAsync(new ModelPriceDefinition(ApiFixture.Llama, 0.5m, 0.25m, 1.5m, now.AddDays(-1)), AuditActor.System);
        await prices.CreateAsync(new ModelPriceDefinition(ApiFixture.Synthetic, 2.125m, 1m, 4.75m, now.AddDays(-1)), AuditActor.System);

        var random = new Random(20261121);
        var sent = new List<SentRequest>();
        sent.AddRange(await SendAsync(random, keys, 40));
        // A new price from a second from now: what was already served keeps the old one.
        await prices.CreateAsync(new ModelPriceDefinition(ApiFixture.Synthetic, 3.333333m, 1.5m, 7.777777m, DateTimeOffset.UtcNow.AddSeconds(1)), AuditActor.System);
        await Task.Delay(1_500);
        sent.AddRange(await SendAsync(random, keys, 40));
        sent.Add(await UsageTraffic.CompleteAsync(api, keys[0], keys[0].Secret, "no-such-model", chat: true, stream: false, 4, "hello"));
        sent.Add(await UsageTraffic.CompleteAsync(api, null, "sk-not-a-key-of-this-server-000000000", ApiFixture.Llama, chat: true, stream: false, 4, "hello"));
        sent.Add(await UsageTraffic.CompleteAsync(api, null, "sk-not-a-key-of-this-server-000000000", ApiFixture.Llama, chat: false, stream: true, 4, "hello"));
        Assert.Equal(404, sent[^3].Status);
        Assert.Equal(401, sent[^1].Status);
        // tiny-random-gpt2 refuses these prompts (400): failed requests of a real model, billed nothing.
        Assert.All(sent.Take(80), s => Assert.Equal(s.Model == ApiFixture.Gpt2 ? 400 : 200, s.Status));

        await UsageEventsTable.WaitForCountAsync(data, sent.Count, TimeSpan.FromSeconds(30));
        var raw = await RawPricing.EventsAsync(data);
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-1);
        var end = start.AddHours(4);
        var range = $"start_time={start.ToUnixTimeSeconds()}&end_time={end.ToUnixTimeSeconds()}";

        await AssertCsvAsync(range, sent, raw);
        await AssertJsonAsync(range, raw);
        await AssertUsageApiAsync(adminA, range, sent.Where(s => s.Key?.OrganizationId == orgA).ToList());
        await AssertUsageApiAsync(adminB, range, sent.Where(s => s.Key?.OrganizationId == orgB).ToList());
        await AssertCostsAsync(adminA, range, raw.Where(e => e.OrganizationId == orgA).ToList());
    }

    private async Task<List<SentRequest>> SendAsync(Random random, List<TestKey> keys, int count)
    {
        var plan = Enumerable.Range(0, count)
            .Select(i => (Key: keys[random.Next(keys.Count)], Model: Models[random.Next(Models.Length)], Chat: random.Next(2) == 0, Stream: random.Next(2) == 0, Max: random.Next(1, 7), Text: (random.Next(2) == 0 ? SharedPreamble : "") + $"count {random.Next(1000)} to {i}"))
            .ToList();
        var results = new SentRequest[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var p = plan[i];
            results[i] = await UsageTraffic.CompleteAsync(api, p.Key, p.Key.Secret, p.Model, p.Chat, p.Stream, p.Max, p.Text);
        });
        return [.. results];
    }

    private async Task AssertCsvAsync(string range, List<SentRequest> sent, List<RawEvent> raw)
    {
        using var client = api.CreateAdminClient();
        using var response = await client.GetAsync(new Uri($"/admin/reports/usage.csv?{range}&bucket_width=1h", UriKind.Relative));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var records = Csv.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["period_start", "period_end", "organization_id", "project_id", "api_key_id", "model", "requests", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd"], records[0]);
        var rows = records[1..^1];
        var total = records[^1];
        Assert.Equal("total", total[0]);

        // Each row is its group of raw events, priced here from model_prices, rounded per row.
        var expectedRows = raw
            .GroupBy(e => (Hour: Hour(e.OccurredAt), Org: Id("org_", e.OrganizationId), Project: Id("proj_", e.ProjectId), Key: Id("key_", e.ApiKeyId), Model: e.Model ?? ""))
            .OrderBy(g => g.Key.Hour)
            .Select(g => new[]
            {
                g.Key.Hour.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), g.Key.Hour.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                g.Key.Org, g.Key.Project, g.Key.Key, g.Key.Model, Text(g.Count()), Text(g.Sum(e => e.Prompt)), Text(g.Sum(e => e.Cached)), Text(g.Sum(e => e.Completion)),
                RawPricing.Money(g.Sum(e => e.Cost)),
            })
            .Select(r => string.Join(',', r))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expectedRows, rows.Select(r => string.Join(',', r)).Order(StringComparer.Ordinal));

        // The totals: the raw sums, what the clients were told, and the cost rounded once from unrounded values.
        Assert.Equal(Text(raw.Count), total[6]);
        Assert.Equal(Text(sent.Count), total[6]);
        Assert.Equal(Text(sent.Sum(s => s.PromptTokens)), total[7]);
        Assert.Equal(Text(raw.Sum(e => e.Prompt)), total[7]);
        Assert.Equal(Text(sent.Sum(s => s.CachedTokens)), total[8]);
        Assert.Equal(Text(raw.Sum(e => e.Cached)), total[8]);
        Assert.True(sent.Sum(s => s.CachedTokens) > 0, "no prompt tokens were served from the prefix cache");
        Assert.Equal(Text(sent.Sum(s => s.CompletionTokens)), total[9]);
        Assert.Equal(Text(raw.Sum(e => e.Completion)), total[9]);
        Assert.Equal(RawPricing.Money(raw.Sum(e => e.Cost)), total[10]);
        Assert.True(raw.Sum(e => e.Cost) > 0);

        // Per key and model, what the clients were told (summed over hours).
        foreach (var group in sent.Where(s => s.Key is not null).GroupBy(s => (s.Key!.KeyId, s.Model)))
        {
            var mine = rows.Where(r => r[4] == $"key_{group.Key.KeyId}" && r[5] == group.Key.Model).ToList();
            Assert.Equal(group.Count(), mine.Sum(r => long.Parse(r[6], CultureInfo.InvariantCulture)));
            Assert.Equal(group.Sum(s => s.PromptTokens), mine.Sum(r => long.Parse(r[7], CultureInfo.InvariantCulture)));
            Assert.Equal(group.Sum(s => s.CachedTokens), mine.Sum(r => long.Parse(r[8], CultureInfo.InvariantCulture)));
            Assert.Equal(group.Sum(s => s.CompletionTokens), mine.Sum(r => long.Parse(r[9], CultureInfo.InvariantCulture)));
        }

        // Unauthenticated requests are rows with no organization, project or key.
        Assert.Equal(2, rows.Where(r => r[2].Length == 0 && r[4].Length == 0).Sum(r => long.Parse(r[6], CultureInfo.InvariantCulture)));
    }

    private async Task AssertJsonAsync(string range, List<RawEvent> raw)
    {
        var (status, body) = await api.AdminAsync("GET", $"/admin/reports/usage.json?{range}&bucket_width=1d");
        Assert.Equal(200, status);
        var totals = body.GetProperty("totals");
        Assert.Equal(raw.Count, totals.GetProperty("requests").GetInt64());
        Assert.Equal(raw.Sum(e => e.Prompt), totals.GetProperty("input_tokens").GetInt64());
        Assert.Equal(raw.Sum(e => e.Completion), totals.GetProperty("output_tokens").GetInt64());
        Assert.Equal(RawPricing.Money(raw.Sum(e => e.Cost)), totals.Str("cost_usd"));
        var rows = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(raw.Count, rows.Sum(r => r.GetProperty("requests").GetInt64()));
        Assert.Equal(raw.GroupBy(e => (e.OccurredAt.UtcDateTime.Date, e.ApiKeyId, e.Model)).Count(), rows.Count);
    }

    private async Task AssertUsageApiAsync(TestKey admin, string range, List<SentRequest> sent)
    {
        var (status, body) = await api.SendAsync(admin.Secret, "GET", $"/v1/organization/usage/completions?{range}&bucket_width=1h&group_by=project_id&group_by[]=api_key_id,model");
        Assert.True(status == 200, body.ToString());
        Assert.Empty(OpenAiSchemas.Official.Validate("UsageResponse", body.GetRawText()));
        Assert.Equal(4, body.GetProperty("data").GetArrayLength());
        Assert.False(body.GetProperty("has_more").GetBoolean());
        var results = body.GetProperty("data").EnumerateArray().SelectMany(b => b.GetProperty("results").EnumerateArray()).ToList();
        foreach (var group in sent.GroupBy(s => (s.Key!.KeyId, s.Model)))
        {
            var mine = results.Where(r => r.Str("api_key_id") == $"key_{group.Key.KeyId}" && r.Str("model") == group.Key.Model).ToList();
            Assert.All(mine, r => Assert.Equal($"proj_{group.First().Key!.ProjectId}", r.Str("project_id")));
            Assert.Equal(group.Count(), mine.Sum(r => r.GetProperty("num_model_requests").GetInt64()));
            Assert.Equal(group.Sum(s => s.PromptTokens), mine.Sum(r => r.GetProperty("input_tokens").GetInt64()));
            Assert.Equal(group.Sum(s => s.CachedTokens), mine.Sum(r => r.GetProperty("input_cached_tokens").GetInt64()));
            Assert.Equal(group.Sum(s => s.CompletionTokens), mine.Sum(r => r.GetProperty("output_tokens").GetInt64()));
        }

        Assert.Equal(sent.Count, results.Sum(r => r.GetProperty("num_model_requests").GetInt64()));

        // Ungrouped, one day per bucket: the organization's totals.
        var (_, daily) = await api.SendAsync(admin.Secret, "GET", $"/v1/organization/usage/completions?{range}");
        var all = daily.GetProperty("data").EnumerateArray().SelectMany(b => b.GetProperty("results").EnumerateArray()).ToList();
        Assert.All(all, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("project_id").ValueKind));
        Assert.Equal(sent.Sum(s => s.PromptTokens), all.Sum(r => r.GetProperty("input_tokens").GetInt64()));
        Assert.Equal(sent.Sum(s => s.CompletionTokens), all.Sum(r => r.GetProperty("output_tokens").GetInt64()));
    }

    private async Task AssertCostsAsync(TestKey admin, string range, List<RawEvent> raw)
    {
        var (status, body) = await api.SendAsync(admin.Secret, "GET", $"/v1/organization/costs?{range}");
        Assert.True(status == 200, body.ToString());
        Assert.Empty(OpenAiSchemas.Official.Validate("UsageResponse", body.GetRawText()));
        foreach (var bucket in body.GetProperty("data").EnumerateArray())
        {
            var from = DateTimeOffset.FromUnixTimeSeconds(bucket.GetProperty("start_time").GetInt64());
            var to = DateTimeOffset.FromUnixTimeSeconds(bucket.GetProperty("end_time").GetInt64());
            var inBucket = raw.Where(e => e.OccurredAt >= from && e.OccurredAt < to).ToList();
            var results = bucket.GetProperty("results").EnumerateArray().ToList();
            if (inBucket.Count == 0)
            {
                Assert.Empty(results);
                continue;
            }

            var amount = Assert.Single(results).GetProperty("amount");
            Assert.Equal("usd", amount.Str("currency"));
            Assert.Equal(RawPricing.Money(inBucket.Sum(e => e.Cost)), amount.GetProperty("value").GetDecimal().ToString("0.000000", CultureInfo.InvariantCulture));
        }

        // By line item: each model's input, cached input and output, with the tokens as quantity.
        var (_, items) = await api.SendAsync(admin.Secret, "GET", $"/v1/organization/costs?{range}&group_by=line_item,project_id");
        Assert.Empty(OpenAiSchemas.Official.Validate("UsageResponse", items.GetRawText()));
        var lines = items.GetProperty("data").EnumerateArray().SelectMany(b => b.GetProperty("results").EnumerateArray()).ToList();
        var outputs = lines.Where(l => l.Str("line_item") == $"{ApiFixture.Llama}, output").ToList();
        Assert.Equal(raw.Where(e => e.Model == ApiFixture.Llama).Sum(e => e.Completion), outputs.Sum(l => l.GetProperty("quantity").GetInt64()));
        var cachedInputs = lines.Where(l => l.Str("line_item") == $"{ApiFixture.Synthetic}, cached input").ToList();
        Assert.Equal(raw.Where(e => e.Model == ApiFixture.Synthetic).Sum(e => e.Cached), cachedInputs.Sum(l => l.GetProperty("quantity").GetInt64()));
        Assert.True(cachedInputs.Sum(l => l.GetProperty("quantity").GetInt64()) > 0, "no cached input line item");
        Assert.All(lines, l => Assert.StartsWith("proj_", l.Str("project_id"), StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain("(no model)", l.Str("line_item"), StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^\d+\.\d{6}$", l.GetProperty("amount").GetProperty("value").GetRawText()));
    }

    private static DateTimeOffset Hour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);

    private static string Id(string prefix, long? id) => id is { } value ? prefix + value.ToString(CultureInfo.InvariantCulture) : "";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
