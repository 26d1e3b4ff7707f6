using System.Diagnostics;

namespace Platform.Api.Tests.Support;

public sealed class TestServersTests
{
    [Fact]
    public void Servers_AreFoundForThisRun()
    {
        Assert.Contains("Host=", TestServers.PostgresServer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(':', TestServers.RedisEndpoint);
    }

    [Fact]
    public async Task DotnetTest_WithoutTheVariablesOrDocker_FailsWithOneMessageNamingBothWays()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "test", typeof(TestServersTests).Assembly.Location, "--filter", $"FullyQualifiedName={typeof(TestServersTests).FullName}.{nameof(Servers_AreFoundForThisRun)}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove(TestServers.PostgresVariable);
        start.Environment.Remove(TestServers.RedisVariable);
        start.Environment.Remove("CI");
        start.Environment["DOCKER_HOST"] = "tcp://127.0.0.1:1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("dotnet test did not start.");
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await child.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet test without servers ran for 3 minutes:\n{await output}");
        }

        var text = await output + await errors;
        if (File.Exists("/var/run/docker.sock"))
        {
            // A Docker engine on its default socket: Testcontainers finds it despite DOCKER_HOST, and the tests run.
            Assert.True(child.ExitCode == 0, text);
            return;
        }

        Assert.NotEqual(0, child.ExitCode);
        Assert.Contains(TestServers.NeitherMessage(TestServers.PostgresVariable, "Postgres", TestServers.PostgresImage), text, StringComparison.Ordinal);
    }
}
