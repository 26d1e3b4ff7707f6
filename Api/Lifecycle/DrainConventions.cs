namespace Platform.Api.Lifecycle;

/// <summary>Marks the endpoints a drain waits for and refuses (completions): short requests need neither.</summary>
internal static class DrainConventions
{
    public static TBuilder DrainsGracefully<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(DrainsGracefullyMetadata.Instance);
        return builder;
    }
}

internal sealed class DrainsGracefullyMetadata
{
    public static readonly DrainsGracefullyMetadata Instance = new();

    private DrainsGracefullyMetadata()
    {
    }
}
