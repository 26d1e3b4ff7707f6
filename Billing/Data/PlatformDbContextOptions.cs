using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Billing.Data;

/// <summary>How every <see cref="PlatformDbContext"/> is configured, in the app and in the tests alike.</summary>
internal static class PlatformDbContextOptions
{
    // One data source per database: it owns the connection pool and the type mappings (text[], jsonb, numeric).
    // Each executed statement is logged at Debug, not EF Core's Information: a busy server would log every query.
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource)
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandExecuted, LogLevel.Debug)));
}
