using System.Collections;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Platform.Api.Observability;
using Platform.Api.Tests.Support;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Api.Observability;

/// <summary>The span tree of one streamed completion, through OpenTelemetry's in-memory exporter.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task AStreamedCompletion_IsOneTrace_UnderTheCallersParent_WithEachStageAChildOfTheRequestSpan()
    {
        var spans = new LockedList<Activity>();
        await using var host = await SmallAppHost.StartAsync(
            new Dictionary<string, string> { ["Redis:Configuration"] = TestServers.RedisEndpoint },
            services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddPlatformTracing().AddInMemoryExporter(spans)));
        var key = await host.NewKeyAsync(priority: 0);
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var client = host.Client(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/completions", UriKind.Relative))
        {
            Content = new StringContent(
                $$"""{"model":"{{SmallAppHost.Model}}","prompt":"Hello there","max_tokens":40,"temperature":0,"stream":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{callerSpan.ToHexString()}-01");

        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(200, (int)response.StatusCode);
            await SseReader.ReadDataAsync(response);
        }

        // The request span ends last, once metering has run and the response is complete; the Redis
        // instrumentation turns its profiled commands into spans on a timer (every 10 s).
        List<Activity> trace = [];
        await Poll.UntilAsync(
            () =>
            {
                trace = [.. spans.Snapshot().Where(s => s.TraceId == traceId)];
                return trace.Any(s => s.ParentSpanId == callerSpan) && trace.Any(IsRedis);
            },
            TimeSpan.FromSeconds(30),
            "the request span and the Redis spans to be exported");

        var root = Assert.Single(trace, s => s.ParentSpanId == callerSpan);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.Equal("POST /v1/completions", root.DisplayName);
        Assert.Equal(200, root.GetTagItem("http.response.status_code"));
        string[] stages = ["auth", "rate_limits.admit", "moderation", "waiting_room", "prefill", "decode", "metering"];
        foreach (var stage in stages)
        {
            var span = Assert.Single(trace, s => s.DisplayName == stage);
            Assert.Equal(root.SpanId, span.ParentSpanId);
            Assert.Contains(span.Source.Name, new[] { ApiTracing.SourceName, EngineTracing.SourceName });
        }

        var prefill = trace.Single(s => s.DisplayName == "prefill");
        var decode = trace.Single(s => s.DisplayName == "decode");
        Assert.Equal(EngineTracing.SourceName, decode.Source.Name);
        Assert.True(prefill.StartTimeUtc + prefill.Duration <= decode.StartTimeUtc, "prefill ends before decoding starts");
        var generated = Assert.IsType<int>(decode.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.InRange(generated, 1, 40);
        Assert.Equal(generated / EngineTracing.TokensPerEvent, decode.Events.Count());
        Assert.All(decode.Events, e => Assert.Equal("tokens", e.Name));

        // The key lookup reads Postgres and the rate limits run a Redis script, each a span where it ran.
        var auth = trace.Single(s => s.DisplayName == "auth");
        Assert.Contains(trace, s => s.Source.Name == "Npgsql" && s.ParentSpanId == auth.SpanId);
        var admit = trace.Single(s => s.DisplayName == "rate_limits.admit");
        Assert.Contains(trace, s => IsRedis(s) && s.ParentSpanId == admit.SpanId);
    }

    private static bool IsRedis(Activity span) => span.Source.Name.Contains("Redis", StringComparison.Ordinal);

    /// <summary>The exporter adds from the export thread while the test reads: every access under one lock.</summary>
    private sealed class LockedList<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<T> Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
