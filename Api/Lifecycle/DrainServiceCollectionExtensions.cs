using Microsoft.Extensions.Options;

namespace Platform.Api.Lifecycle;

internal static class DrainServiceCollectionExtensions
{
    /// <summary>Margin over <c>Api:DrainTimeout</c> for the cut streams' last events and the metering flush.</summary>
    internal static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    /// <summary>The drain on SIGTERM, and a host shutdown timeout long enough for it.</summary>
    public static IServiceCollection AddDrain(this IServiceCollection services)
    {
        services.AddSingleton<Drain>();
        services.AddHostedService(sp => sp.GetRequiredService<Drain>());
        services.AddOptions<HostOptions>().Configure<IOptions<ApiOptions>>((host, api) => host.ShutdownTimeout = api.Value.DrainTimeout + ShutdownMargin);
        return services;
    }

    public static IApplicationBuilder UseDrain(this IApplicationBuilder app) => app.UseMiddleware<DrainMiddleware>();
}
