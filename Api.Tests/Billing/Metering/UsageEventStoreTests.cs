using Platform.Billing.Metering;

namespace Platform.Api.Tests.Billing.Metering;

public sealed class UsageEventStoreTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task Write_SameBatchTwice_StoredOnce()
    {
        var store = new UsageEventStore(Billing.Database.DataSource);
        var batch = TestEvents.Many(500, DateTimeOffset.UtcNow);

        Assert.Equal(500, await store.WriteAsync(batch, CancellationToken.None));
        Assert.Equal(0, await store.WriteAsync(batch, CancellationToken.None));
        Assert.Equal(250, await store.WriteAsync([.. batch.Take(250), .. TestEvents.Many(250, DateTimeOffset.UtcNow)], CancellationToken.None));

        Assert.Equal(750L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM usage_events"));
        Assert.Equal(750L, await Billing.Database.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM usage_events"));
    }

    [Fact]
    public async Task Write_EveryField_RoundTrips()
    {
        var store = new UsageEventStore(Billing.Database.DataSource);
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 891, TimeSpan.Zero);
        var written = TestEvents.At(at) with { Cancelled = true };
        var anonymous = TestEvents.At(at.AddSeconds(1), model: null, key: null) with { TimeToFirstToken = null, FinishReason = null, StatusCode = 401 };

        await store.WriteAsync([written, anonymous], CancellationToken.None);

        var row = await Billing.Database.ScalarAsync<string>(
            $"SELECT concat_ws('|', request_id, organization_id, project_id, api_key_id, model, endpoint, status_code, prompt_tokens, cached_prompt_tokens, completion_tokens, time_to_first_token_us, duration_us, finish_reason, moderation_flagged, streamed, cancelled, occurred_at = '2026-03-04 05:06:07.891+00') FROM usage_events WHERE event_id = '{written.EventId}'");
        Assert.Equal($"{written.RequestId}|1|2|1|m|/v1/chat/completions|200|11|2|3|12500|40000|stop|t|t|t|t", row);
        Assert.Equal("401|||", await Billing.Database.ScalarAsync<string>(
            $"SELECT concat_ws('|', status_code, coalesce(model, ''), coalesce(api_key_id::text, ''), coalesce(time_to_first_token_us::text, '')) FROM usage_events WHERE event_id = '{anonymous.EventId}'"));
    }

    [Fact]
    public async Task Write_MonthWithoutPartition_CreatesItAndPrunesToIt()
    {
        var store = new UsageEventStore(Billing.Database.DataSource);
        var long_ago = new DateTimeOffset(2019, 7, 15, 0, 0, 0, TimeSpan.Zero);

        await store.WriteAsync(TestEvents.Many(3, long_ago), CancellationToken.None);

        Assert.Equal(3L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM usage_events_2019_07"));
        Assert.Equal("usage_events", await Billing.Database.ScalarAsync<string>(
            "SELECT parent.relname FROM pg_inherits JOIN pg_class child ON child.oid = inhrelid JOIN pg_class parent ON parent.oid = inhparent WHERE child.relname = 'usage_events_2019_07'"));
        var months = await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM pg_inherits JOIN pg_class parent ON parent.oid = inhparent WHERE parent.relname = 'usage_events'");
        Assert.True(months >= 15, $"the migration makes partitions ahead of time; found {months}");
    }
}
