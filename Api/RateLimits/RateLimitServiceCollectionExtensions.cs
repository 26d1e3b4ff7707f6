using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Api.Coordination;

namespace Platform.Api.RateLimits;

internal static class RateLimitServiceCollectionExtensions
{
    /// <summary>
    /// Tier limits: in this process, or shared through Redis when <c>Redis:Configuration</c> is set (then key
    /// revocations are broadcast over Redis too). Without Redis nothing about Redis is required.
    /// </summary>
    public static IServiceCollection AddTierLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<ConcurrencyCounter>();
        services.AddSingleton<InProcessRateLimitStore>();
        services.AddSingleton<RateLimitGate>();
        services.AddSingleton<TierRateLimiterPolicy>();
        services.AddRateLimiter(options => options.AddPolicy<string, TierRateLimiterPolicy>(TierRateLimiterPolicy.Name));
        if (!configuration.HasRedis())
        {
            services.AddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<InProcessRateLimitStore>());
            return services;
        }

        services.AddSharedRedis(configuration);
        services.AddSingleton(sp => new FallbackRateLimitStore(
            new RedisRateLimitStore(sp.GetRequiredService<SharedRedis>(), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<InProcessRateLimitStore>(),
            sp.GetRequiredService<IOptions<RateLimitOptions>>().Value.Replicas,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FallbackRateLimitStore>>()));
        services.AddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<FallbackRateLimitStore>());
        services.AddHostedService<ApiKeyInvalidationRelay>();
        return services;
    }
}
