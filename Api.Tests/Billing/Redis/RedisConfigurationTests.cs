using System.ComponentModel.DataAnnotations;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

public sealed class RedisConfigurationTests
{
    [Fact]
    public void Parse_HostAndPort_UsesDefaults()
    {
        var configuration = RedisConfiguration.Parse("localhost:6380");

        Assert.Equal("localhost", configuration.Host);
        Assert.Equal(6380, configuration.Port);
        Assert.Equal(TimeSpan.FromSeconds(5), configuration.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), configuration.SyncTimeout);
        Assert.Null(configuration.Password);
        Assert.Equal(0, configuration.Database);
    }

    [Fact]
    public void Parse_AllOptions_ReadsEach()
    {
        var configuration = RedisConfiguration.Parse(
            "redis.internal:7000, password=s3cr=t ,USER=billing,connectTimeout=2000,syncTimeout=1000,defaultDatabase=3,name=api-1");

        Assert.Equal("redis.internal", configuration.Host);
        Assert.Equal(7000, configuration.Port);
        Assert.Equal("s3cr=t", configuration.Password);
        Assert.Equal("billing", configuration.User);
        Assert.Equal(TimeSpan.FromMilliseconds(2000), configuration.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), configuration.SyncTimeout);
        Assert.Equal(3, configuration.Database);
        Assert.Equal("api-1", configuration.ClientName);
    }

    [Theory]
    [InlineData("redis", "redis", 6379)]
    [InlineData("[::1]:6390", "::1", 6390)]
    [InlineData("[::1]", "::1", 6379)]
    [InlineData("10.0.0.5:1", "10.0.0.5", 1)]
    public void Parse_EndpointForms_ReadsHostAndPort(string text, string host, int port)
    {
        var configuration = RedisConfiguration.Parse(text);

        Assert.Equal(host, configuration.Host);
        Assert.Equal(port, configuration.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":6379")]
    [InlineData("localhost:0")]
    [InlineData("localhost:70000")]
    [InlineData("localhost:abc")]
    [InlineData("password=x")]
    [InlineData("localhost,ssl=true")]
    [InlineData("localhost,syncTimeout=0")]
    [InlineData("localhost,connectTimeout=soon")]
    [InlineData("localhost,defaultDatabase=-1")]
    [InlineData("localhost,user=alone")]
    [InlineData("localhost,justaword")]
    public void TryParse_Invalid_ReturnsError(string text)
    {
        Assert.False(RedisConfiguration.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void ToString_WithPassword_MasksIt()
    {
        var text = RedisConfiguration.Parse("localhost:6379,password=hunter2,name=api").ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("password=*****", text, StringComparison.Ordinal);
        Assert.Contains("name=api", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("localhost,bogus=1", false)]
    [InlineData("localhost:6379,syncTimeout=250", true)]
    public void RedisOptions_Validate_AcceptsOnlyParsableStrings(string configuration, bool valid)
    {
        var options = new RedisOptions { Configuration = configuration };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    [Fact]
    public void RedisScript_Text_HashesLikeRedis()
    {
        // The SHA1 Redis's documentation shows for SCRIPT LOAD "return 1"; the live check is in RedisScriptTests.
        Assert.Equal("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", new RedisScript("return 1").Sha1);
    }
}
