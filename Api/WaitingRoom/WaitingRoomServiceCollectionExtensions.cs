namespace Platform.Api.WaitingRoom;

internal static class WaitingRoomServiceCollectionExtensions
{
    /// <summary>The waiting room and its options (section <c>WaitingRoom</c>), validated at start-up.</summary>
    public static IServiceCollection AddWaitingRoom(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WaitingRoomOptions>()
            .Bind(configuration.GetSection(WaitingRoomOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<WaitingRooms>();
        services.AddTransient<IStartupFilter, EagerWaitingRoom>();
        return services;
    }

    /// <summary>Makes the waiting room at start-up, so its metrics are exported before the first completion.</summary>
    private sealed class EagerWaitingRoom(WaitingRooms room) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        {
            GC.KeepAlive(room);
            return next;
        }
    }
}
