using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Billing.Metering;

/// <summary>
/// Opens the spool of this process: a folder per database (events must be replayed into the database they were
/// meant for) under <see cref="MeteringOptions.SpoolDirectory"/>, and a slot in it that no running instance holds.
/// </summary>
internal sealed class MeteringSpoolFactory(IOptions<MeteringOptions> options, IOptions<BillingOptions> billing)
{
    public MeteringSpool Open() => new(Path.Combine(Path.GetFullPath(options.Value.SpoolDirectory), DatabaseFolder(billing.Value.ConnectionString!)));

    public static string DatabaseFolder(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var identity = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}".ToLowerInvariant();
        return $"db-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 8))}";
    }
}
