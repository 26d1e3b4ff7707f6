namespace Platform.Api.Coordination;

internal static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// One <see cref="SharedRedis"/> from the <c>Redis</c> section, validated at start-up. It connects on first use,
    /// so start-up does not wait for Redis.
    /// </summary>
    public static IServiceCollection AddSharedRedis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SharedRedis>();
        return services;
    }

    public static bool HasRedis(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{RedisOptions.SectionName}:Configuration"]);
}
