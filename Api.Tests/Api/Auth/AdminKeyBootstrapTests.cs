using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Auth;

public sealed class AdminKeyBootstrapTests
{
    [Fact]
    public async Task Bootstrap_EmptyDatabase_PrintsAWorkingAdminKeyOnceAndNotAgain()
    {
        await using var database = await TestDatabase.CreateAsync("platform_boot");
        var firstLogs = new LogSink();
        string secret;
        await using (var first = App(database, firstLogs, adminKey: null))
        {
            using var client = first.CreateClient();
            var printed = firstLogs.Messages.Where(m => m.Contains("BOOTSTRAP ADMIN API KEY", StringComparison.Ordinal)).ToList();
            var line = Assert.Single(printed).Split('\n').Single(l => l.StartsWith("sk-", StringComparison.Ordinal));
            secret = line.Trim();
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, secret, "/admin/organizations"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, secret, "/v1/models"));
        }

        var secondLogs = new LogSink();
        await using var second = App(database, secondLogs, adminKey: null);
        using var again = second.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(again, secret, "/admin/tiers"));
        Assert.DoesNotContain(secondLogs.Messages, m => m.Contains("BOOTSTRAP ADMIN API KEY", StringComparison.Ordinal));
        Assert.Single(firstLogs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secondLogs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bootstrap_PlatformAdminKeySet_ThatKeyWorksAndIsNeverLogged()
    {
        await using var database = await TestDatabase.CreateAsync("platform_boot");
        var chosen = $"sk-operator-chosen-{Guid.NewGuid():N}";
        var logs = new LogSink();
        await using var app = App(database, logs, chosen);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, chosen, "/admin/organizations"));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(chosen, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("BOOTSTRAP ADMIN API KEY", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Contains("sk-..." + chosen[^4..], StringComparison.Ordinal));
    }

    private static WebApplicationFactory<Program> App(TestDatabase database, LogSink logs, string? adminKey) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Platform", database.ConnectionString)
                .UseSetting("Inference:ModelsDirectory", Path.Combine(Path.GetTempPath(), "platform-tests", $"none-{Guid.NewGuid():N}"))
                .UseSetting("Inference:WriteDefaultModel", "false")
                .UseSetting("Inference:ExecutionProvider", "cpu");
            if (adminKey is not null)
            {
                b.UseSetting("PLATFORM_ADMIN_KEY", adminKey);
            }

            b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs));
        });

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private sealed class LogSink : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
