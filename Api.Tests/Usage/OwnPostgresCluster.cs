using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// A PostgreSQL cluster of one test's own (initdb + pg_ctl, as scripts/postgres.sh does), so the test can stop and
/// start it without disturbing the shared server. Run as root, the server runs as the unprivileged user
/// <c>platform-pg</c> (initdb and postgres refuse root), created if missing. <see cref="StopAsync"/> is an
/// immediate shutdown: connections drop at once, as when a database server dies.
/// </summary>
internal sealed class OwnPostgresCluster : IAsyncDisposable
{
    private const string SystemUser = "platform-pg";
    private const string Superuser = "platform";

    private readonly string _bin;
    private readonly string _directory;
    private readonly string _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private OwnPostgresCluster(string bin, string directory)
    {
        _bin = bin;
        _directory = directory;
    }

    public int Port { get; } = FreePort.Pick();

    private static bool IsRoot => Environment.UserName == "root";

    private string Data => Path.Combine(_directory, "data");

    public static async Task<OwnPostgresCluster> CreateAsync()
    {
        var parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var cluster = new OwnPostgresCluster(FindBin(), Path.Combine(parent, $"platform-pg-own-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(cluster._directory);
        var passwordFile = Path.Combine(cluster._directory, "password");
        await File.WriteAllTextAsync(passwordFile, cluster._password);
        if (IsRoot)
        {
            if (await RunAsync("id", ["-u", SystemUser], check: false) != 0)
            {
                await RunAsync("useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SystemUser]);
            }

            await RunAsync("chown", ["-R", $"{SystemUser}:", cluster._directory]);
        }

        await RunAsync("chmod", ["700", cluster._directory]);
        await AsOwnerAsync(Path.Combine(cluster._bin, "initdb"),
            ["-D", cluster.Data, "-U", Superuser, $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C"]);
        await AsOwnerAsync("sh", ["-c", $"printf '%s\\n' \"listen_addresses = '127.0.0.1'\" \"unix_socket_directories = ''\" 'fsync = off' 'synchronous_commit = off' 'full_page_writes = off' >> '{cluster.Data}/postgresql.conf'"]);
        await cluster.StartAsync();
        return cluster;
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Password = _password, Database = database, Timeout = 3 }.ConnectionString;

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task StartAsync() => AsOwnerAsync(Path.Combine(_bin, "pg_ctl"),
        ["-D", Data, "-l", Path.Combine(_directory, "postgres.log"), "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "-w", "-t", "60", "start"]);

    /// <summary>Stops the server at once (no checkpoint, connections cut), as when it dies.</summary>
    public async Task StopAsync()
    {
        await AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"]);
        NpgsqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], check: false);
        Directory.Delete(_directory, recursive: true);
    }

    private static Task<int> AsOwnerAsync(string program, string[] args, bool check = true) =>
        IsRoot ? RunAsync("runuser", ["-u", SystemUser, "--", program, .. args], check) : RunAsync(program, args, check);

    private static async Task<int> RunAsync(string program, string[] args, bool check = true)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }

        return process.ExitCode;
    }

    /// <summary>initdb and pg_ctl: on PATH, or in Debian's newest /usr/lib/postgresql/N/bin (./test.sh installs it).</summary>
    private static string FindBin()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")));
        if (onPath is not null)
        {
            return onPath;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(Directory.Exists)
                .OrderBy(v => int.TryParse(Path.GetFileName(Path.GetDirectoryName(v)), out var n) ? n : 0).LastOrDefault()
            : null;
        return debian ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) not found; ./test.sh installs them.");
    }
}
