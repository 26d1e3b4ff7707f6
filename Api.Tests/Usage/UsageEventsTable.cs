using System.Diagnostics;
using Npgsql;

namespace Platform.Api.Tests.Usage;

/// <summary>Reads <c>usage_events</c> directly: the raw truth the reports must reconcile to.</summary>
internal static class UsageEventsTable
{
    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, string where = "true")
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM usage_events WHERE {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until the writer has stored <paramref name="expected"/> events matching <paramref name="where"/>; fails on more, or on a timeout.</summary>
    public static async Task WaitForCountAsync(NpgsqlDataSource dataSource, long expected, TimeSpan timeout, string where = "true")
    {
        var clock = Stopwatch.StartNew();
        long count;
        while ((count = await TryCountAsync(dataSource, where)) != expected)
        {
            Assert.True(count < expected, $"usage_events holds {count} events matching {where}; expected {expected}.");
            Assert.True(clock.Elapsed < timeout, $"After {timeout.TotalSeconds:F0} s usage_events holds {count} events matching {where}; expected {expected}.");
            await Task.Delay(50);
        }
    }

    /// <summary>One row of sums over raw events.</summary>
    public static async Task<(long Requests, long Prompt, long Cached, long Completion)> SumsAsync(NpgsqlDataSource dataSource, string where)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*), coalesce(sum(prompt_tokens), 0)::bigint, coalesce(sum(cached_prompt_tokens), 0)::bigint, coalesce(sum(completion_tokens), 0)::bigint FROM usage_events WHERE {where}");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private static async Task<long> TryCountAsync(NpgsqlDataSource dataSource, string where)
    {
        try
        {
            return await CountAsync(dataSource, where);
        }
        catch (NpgsqlException)
        {
            // Postgres may be restarting in the outage tests.
            return -1;
        }
    }
}
