using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Api.Tests.Api.Lifecycle;

/// <summary>
/// A test-only stand-in for the gateway (not shipped): round-robin over the replicas, and a request that gets a 503 or
/// cannot reach its replica (refused, reset before a response) is sent again to the next one, as Envoy's retry
/// policy does for <c>5xx</c> and <c>connect-failure</c>. Once a response has started it is passed through as it
/// comes, so a broken stream stays broken for the client.
/// </summary>
internal sealed class RetryingProxy : IAsyncDisposable
{
    private static readonly TimeSpan RetryDeadline = TimeSpan.FromSeconds(60);
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length" };

    private readonly Uri[] _replicas;
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Lock _lock = new();
    private readonly WebApplication _app;
    private long _next;
    private long _retries;

    private RetryingProxy(Uri[] replicas)
    {
        _replicas = replicas;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(ForwardAsync);
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Requests sent again to another replica after a 503 or a connection failure.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    public static async Task<RetryingProxy> StartAsync(params Uri[] replicas)
    {
        var proxy = new RetryingProxy(replicas);
        await proxy._app.StartAsync();
        var address = proxy._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Address = new Uri(address + "/");
        return proxy;
    }

    /// <summary>A replica was replaced (a new pod, at a new address).</summary>
    public void Replace(int index, Uri address)
    {
        lock (_lock)
        {
            _replicas[index] = address;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }

    private Uri Pick()
    {
        lock (_lock)
        {
            return _replicas[(int)(_next++ % _replicas.Length)];
        }
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var deadline = DateTime.UtcNow + RetryDeadline;
        while (true)
        {
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(Pick(), context.Request.Path + context.Request.QueryString));
            if (body.Length > 0)
            {
                request.Content = new ByteArrayContent(body.ToArray());
                request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            }

            foreach (var (name, value) in context.Request.Headers)
            {
                if (!HopHeaders.Contains(name) && !name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.TryAddWithoutValidation(name, value.ToArray());
                }
            }

            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await RetryAsync(context.RequestAborted);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
                {
                    await RetryAsync(context.RequestAborted);
                    continue;
                }

                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (!HopHeaders.Contains(name))
                    {
                        context.Response.Headers[name] = values.ToArray();
                    }
                }

                await using var stream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
                var buffer = new byte[8192];
                int read;
                while ((read = await stream.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }

                return;
            }
        }
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        await Task.Delay(20, cancellationToken);
    }
}
