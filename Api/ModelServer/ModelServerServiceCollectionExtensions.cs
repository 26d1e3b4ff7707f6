namespace Platform.Api.ModelServer;

internal static class ModelServerServiceCollectionExtensions
{
    /// <summary>The Model Server Protocol metrics, made at start-up so the endpoint picker sees them before the first request.</summary>
    public static IServiceCollection AddModelServerMetrics(this IServiceCollection services)
    {
        services.AddSingleton<ModelServerMetrics>();
        services.AddTransient<IStartupFilter, EagerModelServerMetrics>();
        return services;
    }

    private sealed class EagerModelServerMetrics(ModelServerMetrics metrics) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        {
            GC.KeepAlive(metrics);
            return next;
        }
    }
}
