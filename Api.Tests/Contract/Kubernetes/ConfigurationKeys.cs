using System.Reflection;
using Microsoft.Extensions.Configuration;
using Platform.Api.Auth;
using Platform.Api.Moderations;
using Platform.Api.WebConsole;
using Platform.Api.RateLimits;
using Platform.Api.WaitingRoom;
using Platform.Billing;
using Platform.Billing.Metering;
using Platform.Api.Coordination;
using Platform.Inference.Models;

namespace Platform.Api.Tests.Contract.Kubernetes;

/// <summary>Whether an environment variable name (<c>Section__Key</c>) is a configuration key the app really binds.</summary>
internal static class ConfigurationKeys
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        [ApiOptions.SectionName] = typeof(ApiOptions),
        [InferenceOptions.SectionName] = typeof(InferenceOptions),
        [MeteringOptions.SectionName] = typeof(MeteringOptions),
        [RedisOptions.SectionName] = typeof(RedisOptions),
        [WaitingRoomOptions.SectionName] = typeof(WaitingRoomOptions),
        [RateLimitOptions.SectionName] = typeof(RateLimitOptions),
        [ModerationOptions.SectionName] = typeof(ModerationOptions),
        [AuthOptions.SectionName] = typeof(AuthOptions),
        [ConsoleOptions.SectionName] = typeof(ConsoleOptions),
    };

    public static bool IsKnown(string variable)
    {
        var parts = variable.Split("__");
        return parts switch
        {
            ["ASPNETCORE_URLS"] or ["PLATFORM_ADMIN_KEY"] => true,
            // The standard OpenTelemetry variables (docs/configuration.md, "OpenTelemetry").
            [var name] when name.StartsWith("OTEL_", StringComparison.Ordinal) => true,
            ["ConnectionStrings", "Platform"] => typeof(BillingOptions).GetProperty(nameof(BillingOptions.ConnectionString))!
                .GetCustomAttribute<ConfigurationKeyNameAttribute>()!.Name == "ConnectionStrings:Platform",
            [var section, var key] => Sections.TryGetValue(section, out var type) && type.GetProperty(key, BindingFlags.Public | BindingFlags.Instance) is { CanRead: true },
            _ => false,
        };
    }
}
