using Platform.Billing.Metering;

namespace Platform.Api.Metering;

internal static class UsageServiceCollectionExtensions
{
    /// <summary>Usage metering (the queue, its writer and spool, the reports' queries).</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMetering(configuration);

    /// <summary>Records one usage event per /v1 request; must run outside the error handler to see final statuses.</summary>
    public static IApplicationBuilder UseUsageMetering(this IApplicationBuilder app) => app.UseMiddleware<UsageMiddleware>();

    /// <summary>The Usage and Costs APIs and the admin reports.</summary>
    public static IEndpointRouteBuilder MapUsage(this IEndpointRouteBuilder routes) => routes.MapUsageApi().MapUsageReports();
}
