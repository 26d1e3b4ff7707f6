using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Platform.Api.Cors;

internal static class CorsServiceCollectionExtensions
{
    public static IServiceCollection AddSdkCors(this IServiceCollection services)
    {
        services.AddOptions<ApiCorsOptions>().BindConfiguration(ApiCorsOptions.SectionName).ValidateOnStart();
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, SdkCorsPolicyProvider>();
        return services;
    }

    /// <summary>Answers preflights of <c>/v1</c> before authentication (a browser sends them without the key); place before <c>UseApiKeys</c>.</summary>
    public static IApplicationBuilder UseSdkCors(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase), v1 => v1.UseCors());
}
