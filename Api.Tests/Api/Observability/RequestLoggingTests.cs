using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Observability;

/// <summary>What the app logs per request: one access-log line, and EF Core's SQL only at Debug.</summary>
public sealed class RequestLoggingTests
{
    [Fact]
    public async Task EveryRequest_OneAccessLine_WithRouteStatusRequestIdAndProject_NeverTheKey_AndSqlOnlyAtDebug()
    {
        await using var database = await TestDatabase.CreateAsync("platform_logging");
        var adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
        var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-tests", $"no-models-{Guid.NewGuid():N}")).FullName;
        var lines = new LogCapture();
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
            .UseSetting("PLATFORM_ADMIN_KEY", adminKey)
            .UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Debug")
            .ConfigureLogging(logging => logging.AddProvider(lines)));
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);

        // A caller's W3C trace context is honoured: the line carries its trace id.
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var traced = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/models/nothing-here?x=1", UriKind.Relative));
        traced.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var ok = await client.SendAsync(traced);
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/models", UriKind.Relative));
        anonymous.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-not-a-key-of-this-server");
        using var refused = await client.SendAsync(anonymous);

        Assert.Equal(HttpStatusCode.NotFound, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var access = lines.Entries.Where(e => e.Category == "Platform.Api.Observability.AccessLog").Select(e => e.Message).ToList();
        var found = Assert.Single(access, l => l.Contains(ok.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal));
        Assert.Matches(@"^GET /v1/models/\{id\} 404 in [0-9.]+ ms, request req_[0-9a-f]{32}, project [0-9]+, trace [0-9a-f]{32}$", found);
        Assert.EndsWith($", trace {traceId}", found, StringComparison.Ordinal);
        var anonymousLine = Assert.Single(access, l => l.Contains(refused.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal));
        Assert.StartsWith("GET /v1/models 401 in ", anonymousLine, StringComparison.Ordinal);
        Assert.DoesNotContain(lines.Entries, e => e.Message.Contains(adminKey, StringComparison.Ordinal) || e.Message.Contains("sk-not-a-key", StringComparison.Ordinal));

        var sql = lines.Entries.Where(e => e.Category == "Microsoft.EntityFrameworkCore.Database.Command" && e.EventId == 20101).ToList();
        Assert.NotEmpty(sql);
        Assert.All(sql, e => Assert.Equal(LogLevel.Debug, e.Level));
    }

    private sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message);

    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyCollection<LogEntry> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
