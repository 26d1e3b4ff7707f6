using Npgsql;
using Platform.Billing.Reports;

namespace Platform.Api.Tests.Usage;

/// <summary>One raw event as stored, and its cost computed here, in C#, independently of the report SQL.</summary>
internal sealed record RawEvent(DateTimeOffset OccurredAt, long? OrganizationId, long? ProjectId, long? ApiKeyId, string? Model, string Endpoint, int Prompt, int Cached, int Completion, decimal Cost);

internal static class RawPricing
{
    public static async Task<List<RawEvent>> EventsAsync(NpgsqlDataSource dataSource)
    {
        var prices = new List<(string Model, decimal Input, decimal Cached, decimal Output, DateTimeOffset From)>();
        await using (var command = dataSource.CreateCommand("SELECT model, input_per_million, cached_input_per_million, output_per_million, effective_from FROM model_prices"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                prices.Add((reader.GetString(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        var events = new List<RawEvent>();
        await using (var command = dataSource.CreateCommand(
            "SELECT occurred_at, organization_id, project_id, api_key_id, model, endpoint, prompt_tokens, cached_prompt_tokens, completion_tokens FROM usage_events"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var at = reader.GetFieldValue<DateTimeOffset>(0);
                var model = reader.IsDBNull(4) ? null : reader.GetString(4);
                var (prompt, cached, completion) = (reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8));
                var price = prices.Where(p => p.Model == model && p.From <= at).OrderByDescending(p => p.From).FirstOrDefault();
                var cost = price.Model is null ? 0m : (((prompt - cached) * price.Input) + (cached * price.Cached) + (completion * price.Output)) / 1_000_000m;
                events.Add(new RawEvent(
                    at,
                    reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    model,
                    reader.GetString(5),
                    prompt,
                    cached,
                    completion,
                    cost));
            }
        }

        return events;
    }

    public static string Money(decimal unrounded) => Cost.Round(unrounded).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture);
}
