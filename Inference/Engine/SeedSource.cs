namespace Platform.Inference.Engine;

/// <summary>
/// Where a request without a seed gets one. Injected (not <c>Random.Shared</c>) so a host or a test can make
/// every unseeded request reproducible by registering a seeded instance.
/// </summary>
public sealed class SeedSource(Random random)
{
    private readonly Lock _lock = new();

    public long Next()
    {
        lock (_lock)
        {
            return random.NextInt64();
        }
    }
}
