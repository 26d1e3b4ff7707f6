using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// The API as a process of its own (<c>dotnet Platform.Api.dll</c> from the test's output folder), configured through
/// environment variables, so a test can kill it with SIGKILL (no graceful shutdown, no drain) or stop it with
/// SIGTERM (the drain a rollout relies on) and read its exit code.
/// </summary>
internal sealed class ChildApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ChildApp(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>What the process printed, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the app from <paramref name="appDirectory"/> (default: the test's output folder) and waits until it is ready.</summary>
    public static async Task<ChildApp> StartAsync(IReadOnlyDictionary<string, string> settings, string? appDirectory = null)
    {
        var port = FreePort.Pick();
        appDirectory ??= AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = appDirectory,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "Platform.Api.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var app = new ChildApp(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitReadyAsync();
        return app;
    }

    /// <summary>SIGKILL: the process ends at once, with whatever it held in memory.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as Kubernetes sends it: the app drains, then exits by itself.</summary>
    public async Task TerminateAsync()
    {
        // The shell's built-in kill: a bare Debian has /bin/sh, not always the procps kill binary.
        using var kill = Process.Start("/bin/sh", ["-c", $"kill -TERM {_process.Id.ToString(CultureInfo.InvariantCulture)}"]) ?? throw new InvalidOperationException("sh did not start.");
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code once the process has ended; fails when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The app did not exit within {timeout.TotalSeconds:F0} s:\n{Log}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"The app exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"The app was not ready within 90 s:\n{Log}");
            try
            {
                using var response = await client.GetAsync(new Uri("readyz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer (a busy machine): not ready yet; the overall deadline still holds.
            }

            await Task.Delay(100);
        }
    }
}
