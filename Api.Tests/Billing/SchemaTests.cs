using Microsoft.EntityFrameworkCore;
using Platform.Billing.Data;

namespace Platform.Api.Tests.Billing;

/// <summary>The EF Core model against the schema the SQL migrations made: same tables, columns, types and nullability.</summary>
public sealed class SchemaTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task EfModel_EveryMappedColumn_ExistsInSqlWithTheSameTypeAndNullability()
    {
        await using var db = Billing.NewContext();
        var columns = new Dictionary<(string Table, string Column), (string Type, bool Nullable)>();
        await using (var command = Billing.Database.DataSource.CreateCommand(
            "SELECT table_name, column_name, format_type(a.atttypid, a.atttypmod), is_nullable = 'YES' " +
            "FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_name))::regclass AND a.attname = c.column_name " +
            "WHERE c.table_schema = 'public'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetBoolean(3));
            }
        }

        var mapped = 0;
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName();
                Assert.True(columns.TryGetValue((table, column), out var sql), $"{entity.ClrType.Name}.{property.Name} maps to {table}.{column}, which the migrations do not create.");
                Assert.Equal(Normalise(sql.Type), Normalise(property.GetColumnType()));
                Assert.True(sql.Nullable == property.IsNullable, $"{table}.{column}: nullable in SQL {sql.Nullable}, in EF {property.IsNullable}.");
                mapped++;
            }

            // Every column of the table is known to EF (a column EF ignores would make inserts fail on NOT NULL).
            var unmapped = columns.Keys.Where(k => k.Table == table).Select(k => k.Column)
                .Except(entity.GetProperties().Select(p => p.GetColumnName()));
            Assert.Empty(unmapped);
        }

        Assert.Equal(7, db.Model.GetEntityTypes().Count());
        Assert.True(mapped > 40);
    }

    [Fact]
    public async Task RoundTrip_EveryEntity_ReadsBackWhatWasWritten()
    {
        var now = BillingSandbox.Start;
        var tier = new TierRow
        {
            Name = "round-trip", RequestsPerMinute = 7, TokensPerMinute = 70_000, TokensPerDay = 7_000_000, MonthlyTokenQuota = null,
            MaxConcurrentRequests = 3, WaitingRoomPriority = 42, AllowedModels = ["a", "b"], CreatedAt = now, UpdatedAt = now.AddSeconds(1),
        };
        var organization = new OrganizationRow { Name = "Round Trip Ltd", CreatedAt = now, UpdatedAt = now };
        var price = new ModelPriceRow
        {
            Model = "m", InputPerMillion = 0.15m, CachedInputPerMillion = 0.075m, OutputPerMillion = 123456.654321m, EffectiveFrom = now, CreatedAt = now,
        };
        await using (var db = Billing.NewContext())
        {
            db.AddRange(tier, organization, price);
            await db.SaveChangesAsync();
            var project = new ProjectRow { OrganizationId = organization.Id, Name = "p", TierId = tier.Id, CreatedAt = now, UpdatedAt = now };
            db.Add(project);
            await db.SaveChangesAsync();
            var replacement = new ApiKeyRow { ProjectId = project.Id, Name = "k2", SecretHash = new string('b', 64), Display = "sk-...bbbb", Scopes = ["inference"], CreatedAt = now };
            db.Add(replacement);
            await db.SaveChangesAsync();
            db.Add(new ApiKeyRow
            {
                ProjectId = project.Id, Name = "k1", SecretHash = new string('a', 64), Display = "sk-...aaaa", Scopes = ["inference", "admin"],
                CreatedAt = now, LastUsedAt = now.AddMinutes(1), ExpiresAt = now.AddDays(1), RevokedAt = now.AddHours(1),
                ReplacedBy = replacement.Id, GraceUntil = now.AddHours(2),
            });
            db.Add(new AuditEntryRow
            {
                ActorKeyId = replacement.Id, ActorDisplay = "sk-...bbbb", Action = "update", EntityType = "tier", EntityId = tier.Id,
                At = now, Before = """{"a": 1}""", After = """{"a": 2}""",
            });
            await db.SaveChangesAsync();
        }

        await using var read = Billing.NewContext();
        var tierBack = await read.Tiers.AsNoTracking().SingleAsync(t => t.Id == tier.Id);
        Assert.Equal(
            (tier.Name, tier.RequestsPerMinute, tier.TokensPerMinute, tier.TokensPerDay, tier.MonthlyTokenQuota, tier.MaxConcurrentRequests, tier.WaitingRoomPriority, tier.CreatedAt, tier.UpdatedAt),
            (tierBack.Name, tierBack.RequestsPerMinute, tierBack.TokensPerMinute, tierBack.TokensPerDay, tierBack.MonthlyTokenQuota, tierBack.MaxConcurrentRequests, tierBack.WaitingRoomPriority, tierBack.CreatedAt, tierBack.UpdatedAt));
        Assert.Equal(["a", "b"], tierBack.AllowedModels);
        Assert.Equal(organization.ToOrganization(), (await read.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id)).ToOrganization());
        Assert.Equal(price.ToModelPrice(), (await read.ModelPrices.AsNoTracking().SingleAsync(p => p.Id == price.Id)).ToModelPrice());
        var projectBack = await read.Projects.AsNoTracking().Include(p => p.Organization).Include(p => p.Tier).SingleAsync();
        Assert.Equal("Round Trip Ltd", projectBack.Organization!.Name);
        Assert.Equal("round-trip", projectBack.Tier!.Name);
        var keyBack = await read.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "k1");
        Assert.Equal(new string('a', 64), keyBack.SecretHash);
        Assert.Equal(["inference", "admin"], keyBack.Scopes);
        Assert.Equal((now, now.AddMinutes(1), now.AddDays(1), now.AddHours(1), now.AddHours(2)), (keyBack.CreatedAt, keyBack.LastUsedAt, keyBack.ExpiresAt, keyBack.RevokedAt, keyBack.GraceUntil));
        Assert.NotNull(keyBack.ReplacedBy);
        var entryBack = await read.AuditLog.AsNoTracking().SingleAsync();
        Assert.Equal(("update", "tier", tier.Id, """{"a": 1}""", """{"a": 2}"""), (entryBack.Action, entryBack.EntityType, entryBack.EntityId, entryBack.Before, entryBack.After));
        Assert.Equal(now, entryBack.At);
    }

    /// <summary>EF writes some types by their alias (timestamp with time zone vs timestamptz).</summary>
    private static string Normalise(string? type) => (type ?? "").ToLowerInvariant() switch
    {
        "timestamptz" => "timestamp with time zone",
        "int" or "int4" => "integer",
        "int8" => "bigint",
        var other => other,
    };
}
