using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Platform.Billing.Data;

/// <summary>How every <see cref="PlatformDbContext"/> is configured, in the app and in the tests alike.</summary>
internal static class PlatformDbContextOptions
{
    // One data source per database: it owns the connection pool and the type mappings (text[], jsonb, numeric).
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource);
}
