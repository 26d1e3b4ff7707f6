using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Platform.Api.Tests.Support;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Billing;

public sealed class ApiKeyGeneratorTests
{
    [Fact]
    public void Generate_Secret_IsPrefixAndBase64UrlOfTheRandomBytesAtLeast192Bits()
    {
        var random = new RecordingRandom(1);

        var key = new ApiKeyGenerator(random).Generate();

        Assert.StartsWith("sk-", key.Secret, StringComparison.Ordinal);
        var payload = Base64Url.DecodeFromChars(key.Secret.AsSpan(3));
        Assert.True(payload.Length * 8 >= 192);
        Assert.Equal(32, payload.Length);
        Assert.Equal(random.HandedOut.Single(), payload);
        Assert.Matches("^sk-[A-Za-z0-9_-]{43}$", key.Secret);
    }

    [Fact]
    public void Generate_Hash_IsLowercaseHexSha256OfTheSecret()
    {
        var key = new ApiKeyGenerator(new RecordingRandom(2)).Generate();

        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.Secret))).ToLowerInvariant(), key.Hash);
        Assert.Equal(key.Hash, ApiKeyGenerator.Hash(key.Secret));
        Assert.Matches("^[0-9a-f]{64}$", key.Hash);
    }

    [Fact]
    public void Generate_Display_IsPrefixDotsAndLastFour()
    {
        var key = new ApiKeyGenerator(new RecordingRandom(3)).Generate();

        Assert.Equal("sk-..." + key.Secret[^4..], key.Display);
        Assert.Equal(10, key.Display.Length);
    }

    [Fact]
    public void Generate_TwoKeysFromTheSystemGenerator_Differ()
    {
        using var random = RandomNumberGenerator.Create();
        var generator = new ApiKeyGenerator(random);

        Assert.NotEqual(generator.Generate().Secret, generator.Generate().Secret);
    }

    [Fact]
    public void ToString_GeneratedKey_LeavesTheSecretOut()
    {
        var key = new ApiKeyGenerator(new RecordingRandom(4)).Generate();

        Assert.DoesNotContain(key.Secret, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, new CreatedApiKey(new ApiKey(1, 1, "k", key.Display, ["inference"], default, null, null, null, null, null), key.Secret).ToString(), StringComparison.Ordinal);
    }
}
