using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Billing.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// One shared <see cref="IRedisClient"/> from <c>Redis:Configuration</c>, validated at start-up. The client connects
    /// on its first command, so start-up does not wait for Redis.
    /// </summary>
    public static IServiceCollection AddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IRedisClient>(provider => new RedisClient(
            RedisConfiguration.Parse(provider.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedisClient>>()));
        return services;
    }
}
