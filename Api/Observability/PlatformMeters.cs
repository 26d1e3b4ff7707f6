using Npgsql;
using OpenTelemetry.Metrics;

namespace Platform.Api.Observability;

/// <summary>The meters exported at <c>/metrics</c> and by OTLP.</summary>
internal static class PlatformMeters
{
    /// <summary>
    /// Every meter of ours is named <c>Platform.</c>something, so a new one (an engine or protocol gauge) is
    /// exported without being listed here.
    /// </summary>
    public const string OurMeters = "Platform.*";

    /// <summary>StackExchange.Redis's own meter (command durations, connection events).</summary>
    public const string RedisClientMeter = "StackExchange.Redis";

    public static MeterProviderBuilder AddPlatformMeters(this MeterProviderBuilder metrics) => metrics
        .AddMeter(OurMeters, RedisClientMeter)
        .AddAspNetCoreInstrumentation()
        .AddNpgsqlInstrumentation();
}
