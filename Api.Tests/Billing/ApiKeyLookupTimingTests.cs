using System.Diagnostics;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Billing;

/// <summary>
/// What a request pays to authenticate without a cache: one lookup by hash. The figures go to the test output; the
/// bound is loose on purpose (it catches a lookup that turned into several round trips or a scan, not noise).
/// </summary>
public sealed class ApiKeyLookupTimingTests(MigratedTemplate template, ITestOutputHelper output) : BillingDatabaseTest(template)
{
    private const int Keys = 1000;
    private const int Lookups = 500;

    [Fact]
    public async Task FindByHashAsync_AmongAThousandKeys_MedianUnderTenMilliseconds()
    {
        var project = await Billing.NewProjectAsync();
        var secrets = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            secrets.Add((await Billing.Keys.CreateAsync(new NewApiKey(project.Id, $"key {i}", [ApiKeyScopes.Inference]), AuditActor.System)).Secret);
        }

        await Billing.Database.ExecuteAsync(
            $"INSERT INTO api_keys (project_id, name, secret_hash, display, scopes) " +
            $"SELECT {project.Id}, 'bulk ' || n, encode(sha256(n::text::bytea), 'hex'), 'sk-...bulk', '{{inference}}' FROM generate_series(1, {Keys - secrets.Count}) n");
        await Billing.Database.ExecuteAsync("ANALYZE api_keys");
        var hashes = secrets.Select(ApiKeyGenerator.Hash).ToList();
        for (var i = 0; i < 50; i++)
        {
            await Billing.Keys.FindByHashAsync(hashes[i % hashes.Count]);
        }

        var times = new double[Lookups];
        for (var i = 0; i < Lookups; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await Billing.Keys.FindByHashAsync(hashes[i % hashes.Count]);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.NotNull(found);
        }

        Array.Sort(times);
        var (p50, p95, p99) = (times[Lookups / 2], times[Lookups * 95 / 100], times[Lookups * 99 / 100]);
        output.WriteLine($"key lookup by hash ({Keys} keys, {Lookups} lookups): p50 {p50:F3} ms, p95 {p95:F3} ms, p99 {p99:F3} ms");
        Assert.True(p50 < 10, $"p50 {p50:F3} ms");
    }
}
