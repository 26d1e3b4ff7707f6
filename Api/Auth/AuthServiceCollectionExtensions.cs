namespace Platform.Api.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>The key cache and the bootstrap admin key; register after <c>AddBilling</c>, whose migrations must run first.</summary>
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<AuthFailureLimiter>();
        services.AddHostedService<AdminKeyBootstrap>();
        return services;
    }

    /// <summary>Enforces the <c>RequireApiKey()</c> and <c>RequireAdminKey()</c> conventions; place after error handling.</summary>
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.UseMiddleware<ApiKeyMiddleware>();
}
