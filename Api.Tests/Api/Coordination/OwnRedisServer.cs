using Platform.Api.Tests.Support;

using System.Diagnostics;
using System.Globalization;

namespace Platform.Api.Tests.Api.Coordination;

/// <summary>
/// A private redis-server (from PATH; ./test.sh installs it) on its own port, for tests that stop and restart the
/// server without disturbing the shared one. Not daemonized: this object owns the process and kills it by handle.
/// </summary>
internal sealed class OwnRedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("platform-redis-test-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort.Pick();

    public string Endpoint => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", _directory, "--logfile", Path.Combine(_directory, "redis.log"),
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Poll.UntilAsync(CanConnect, TimeSpan.FromSeconds(10), $"redis-server on port {Port} to accept connections");
    }

    /// <summary>Kills the server at once (like a crash): no reply to anything in flight.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private bool CanConnect()
    {
        if (_process is null || _process.HasExited)
        {
            var log = Path.Combine(_directory, "redis.log");
            throw new InvalidOperationException($"redis-server exited: {(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
        }

        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
