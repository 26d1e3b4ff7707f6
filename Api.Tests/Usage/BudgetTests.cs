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
/// A project's monthly USD budget on an app and database of its own: its month's spend is priced as the Costs API
/// prices it (each event at the price in effect when it occurred, across a price change in the middle of the
/// month), requests are admitted at their maximum cost and settled at their real one, the alert is raised once,
/// and a request that does not fit is a 429 insufficient_quota without Retry-After.
/// </summary>
public sealed class BudgetTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    // Prices per million tokens: (input, cached input, output), before and after the change in mid-month.
    private static readonly (decimal In, decimal Cached, decimal Out) Old = (2m, 1m, 4m);
    private static readonly (decimal In, decimal Cached, decimal Out) New = (10m, 5m, 20m);

    [Fact]
    public async Task Budget_PriceChangeMidMonth_SpendPricedPerEventAndOverBudgetRefused()
    {
        var services = api.Services;
        var data = services.GetRequiredService<NpgsqlDataSource>();
        var tier = await UsageAccounts.UnlimitedTierAsync(services);
        var org = await UsageAccounts.OrganizationAsync(services);
        var key = (await UsageAccounts.KeysAsync(services, org, tier, 1, 1)).Single();
        var other = (await UsageAccounts.KeysAsync(services, org, tier, 1, 1)).Single();
        var admin = (await UsageAccounts.KeysAsync(services, org, tier, 1, 1, ApiKeyScopes.Admin)).Single();
        var project = $"proj_{key.ProjectId}";

        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var elapsed = now - month;
        var change = month + (elapsed / 2);
        var prices = services.GetRequiredService<ModelPriceRepository>();
        await prices.CreateAsync(new ModelPriceDefinition(ApiFixture.Llama, Old.In, Old.Cached, Old.Out, month.AddDays(-40)), AuditActor.System);
        await prices.CreateAsync(new ModelPriceDefinition(ApiFixture.Llama, New.In, New.Cached, New.Out, change), AuditActor.System);

        // Before the change: 80,000 input + 20,000 cached + 50,000 output at the old price = 0.38 USD.
        await InsertEventAsync(data, key, month + (elapsed / 4), 100_000, 20_000, 50_000);
        // After it: 100,000 input + 100,000 output at the new price = 3.00 USD.
        await InsertEventAsync(data, key, month + (elapsed * 3 / 4) - TimeSpan.FromMinutes(2), 100_000, 0, 100_000);
        // Not this month's, nor this project's.
        await InsertEventAsync(data, key, month.AddDays(-3), 1_000_000, 0, 1_000_000);
        await InsertEventAsync(data, other, month + (elapsed / 4), 1_000_000, 0, 1_000_000);
        const decimal stored = 3.38m;

        // The org's admin reads the budget but may not set it.
        var (forbidden, forbiddenBody) = await api.SendAsync(admin.Secret, "POST", $"/admin/projects/{project}", """{"monthly_budget_usd":5}""");
        Assert.Equal(403, forbidden);
        ApiCalls.AssertError(forbiddenBody, "insufficient_permissions");
        var (invalid, invalidBody) = await api.AdminAsync("POST", $"/admin/projects/{project}", """{"budget_alert_ratio":1.5}""");
        Assert.Equal(400, invalid);
        ApiCalls.AssertError(invalidBody, "invalid_value", "budget_alert_ratio");

        var set = await api.AdminOkAsync("POST", $"/admin/projects/{project}", """{"monthly_budget_usd":3.4,"budget_alert_ratio":0.5}""");
        Assert.Equal(3.4m, set.GetProperty("monthly_budget_usd").GetDecimal());
        Assert.Equal(0.5m, set.GetProperty("budget_alert_ratio").GetDecimal());
        Assert.Equal(stored, set.GetProperty("month_spend_usd").GetDecimal());
        var read = await ReadAsync(admin.Secret, project);
        Assert.Equal(stored, read.GetProperty("month_spend_usd").GetDecimal());
        Assert.Equal(3.4m, read.GetProperty("monthly_budget_usd").GetDecimal());

        // 0.02 USD left: a small request fits (all at the old price it would be 0.98, all at the new one 4.90, over the budget).
        var first = await UsageTraffic.CompleteAsync(api, key, key.Secret, ApiFixture.Llama, chat: true, stream: false, 4, "a budget");
        Assert.Equal(200, first.Status);
        var second = await UsageTraffic.CompleteAsync(api, key, key.Secret, ApiFixture.Llama, chat: false, stream: true, 4, "a budget");
        Assert.Equal(200, second.Status);
        var served = CostAtNew(first) + CostAtNew(second);

        // The alert (spend >= 50% of the budget) is one audit row and one alert row, though two requests settled.
        await WaitUntilAsync(async () => await CountAsync(data, $"SELECT count(*) FROM audit_log WHERE action = 'budget_alert' AND entity_id = {key.ProjectId}") >= 1);
        await UsageEventsTable.WaitForCountAsync(data, 5, TimeSpan.FromSeconds(30), $"project_id = {key.ProjectId}");
        Assert.Equal(1, await CountAsync(data, $"SELECT count(*) FROM audit_log WHERE action = 'budget_alert' AND entity_id = {key.ProjectId}"));
        Assert.Equal(1, await CountAsync(data, $"SELECT count(*) FROM project_budget_alerts WHERE project_id = {key.ProjectId}"));
        var (auditStatus, audit) = await api.SendAsync(admin.Secret, "GET", $"/admin/audit?entity_type=project&entity_id={project}");
        Assert.Equal(200, auditStatus);
        Assert.Contains(audit.GetProperty("data").EnumerateArray(), e => e.Str("action") == "budget_alert");

        // The month's spend: the stored events plus what was served, each at the price of its moment.
        var spent = (await ReadAsync(admin.Secret, project)).GetProperty("month_spend_usd").GetDecimal();
        Assert.Equal(stored + served, spent);

        // A budget the next request's maximum cost does not fit in: 429 insufficient_quota, not to be retried.
        var budget = decimal.Round(spent + 0.000001m, 6);
        await api.AdminOkAsync("POST", $"/admin/projects/{project}", string.Create(CultureInfo.InvariantCulture, $$"""{"monthly_budget_usd":{{budget}}}"""));
        using var client = api.CreateClient(key.Secret);
        using var refused = await client.PostAsync(
            new Uri("v1/chat/completions", UriKind.Relative),
            new StringContent($$"""{"model":"{{ApiFixture.Llama}}","messages":[{"role":"user","content":"over"}],"max_tokens":4}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(429, (int)refused.StatusCode);
        Assert.False(refused.Headers.Contains("Retry-After"));
        Assert.False(refused.Headers.Contains("retry-after-ms"));
        using var refusedBody = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("insufficient_quota", refusedBody.RootElement.GetProperty("error").Str("code"));
        Assert.Equal("insufficient_quota", refusedBody.RootElement.GetProperty("error").Str("type"));
        Assert.Contains("monthly budget", refusedBody.RootElement.GetProperty("error").Str("message"), StringComparison.Ordinal);

        // Without a budget the project is served again; the alert stays once this month.
        var cleared = await api.AdminOkAsync("POST", $"/admin/projects/{project}", """{"monthly_budget_usd":null}""");
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("monthly_budget_usd").ValueKind);
        Assert.Equal(0.5m, cleared.GetProperty("budget_alert_ratio").GetDecimal());
        Assert.Equal(200, (await UsageTraffic.CompleteAsync(api, key, key.Secret, ApiFixture.Llama, chat: true, stream: false, 2, "free again")).Status);
        Assert.Equal(1, await CountAsync(data, $"SELECT count(*) FROM audit_log WHERE action = 'budget_alert' AND entity_id = {key.ProjectId}"));
    }

    private static decimal CostAtNew(SentRequest sent) => ((sent.PromptTokens * New.In) + (sent.CompletionTokens * New.Out)) / 1_000_000m;

    private async Task<JsonElement> ReadAsync(string secret, string project)
    {
        var (status, body) = await api.SendAsync(secret, "GET", $"/admin/projects/{project}");
        Assert.Equal(200, status);
        return body;
    }

    private static async Task InsertEventAsync(NpgsqlDataSource data, TestKey key, DateTimeOffset at, int prompt, int cached, int completion)
    {
        await using var command = data.CreateCommand("""
            INSERT INTO usage_events (event_id, occurred_at, request_id, organization_id, project_id, api_key_id, model, endpoint, status_code,
                                      prompt_tokens, cached_prompt_tokens, completion_tokens, duration_us, moderation_flagged, streamed, cancelled)
            VALUES (gen_random_uuid(), $1, 'req_budget', $2, $3, $4, $5, '/v1/chat/completions', 200, $6, $7, $8, 1000, false, false, false)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = at.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = key.OrganizationId });
        command.Parameters.Add(new NpgsqlParameter { Value = key.ProjectId });
        command.Parameters.Add(new NpgsqlParameter { Value = key.KeyId });
        command.Parameters.Add(new NpgsqlParameter { Value = ApiFixture.Llama });
        command.Parameters.Add(new NpgsqlParameter { Value = prompt });
        command.Parameters.Add(new NpgsqlParameter { Value = cached });
        command.Parameters.Add(new NpgsqlParameter { Value = completion });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition) =>
        Poll.UntilAsync(condition, TimeSpan.FromSeconds(20), "the budget's condition");
}
