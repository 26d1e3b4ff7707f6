using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisServiceCollectionTests(RedisFixture redis)
{
    [Fact]
    public async Task AddRedis_ValidConfiguration_ResolvesWorkingClient()
    {
        await using var services = Build(redis.Endpoint + ",syncTimeout=2000");

        var client = services.GetRequiredService<IRedisClient>();
        var pong = await client.ExecuteAsync("PING", []);

        Assert.Equal("PONG", pong.AsString());
        Assert.Same(client, services.GetRequiredService<IRedisClient>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("localhost,ssl=true")]
    public async Task AddRedis_MissingOrInvalidConfiguration_FailsValidation(string? configuration)
    {
        await using var services = Build(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RedisOptions>>().Value);

        Assert.Contains("Configuration", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(string? configuration)
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Redis:Configuration"] = configuration })
            .Build();
        return new ServiceCollection().AddLogging().AddRedis(settings).BuildServiceProvider();
    }
}
