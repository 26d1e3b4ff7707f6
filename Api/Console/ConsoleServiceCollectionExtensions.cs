namespace Platform.Api.WebConsole;

internal static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConsoleOptions>()
            .Bind(configuration.GetSection(ConsoleOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<ConsoleAssets>();
        return services;
    }

    /// <summary>The bridge from the console to the APIs, then routing: it must come before everything, metering included.</summary>
    public static IApplicationBuilder UseConsole(this IApplicationBuilder app) =>
        app.UseMiddleware<ConsoleBridgeMiddleware>().UseRouting();
}
