using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

public sealed class SamplerTests
{
    [Fact]
    public void ArgMax_EqualMaxima_LowestIdWins()
    {
        var logits = new float[1000];
        logits[700] = 3f;
        logits[42] = 3f;
        logits[999] = 3f;
        Assert.Equal(42, Sampler.ArgMax(logits));
    }

    [Fact]
    public void ArgMax_AllNegative_FindsTheLargest()
    {
        float[] logits = [-5f, -1.5f, -3f, -1.5000001f];
        Assert.Equal(1, Sampler.ArgMax(logits));
    }

    [Fact]
    public void Next_TemperatureZero_IsGreedy()
    {
        var sampler = new Sampler(new GenerationOptions { Temperature = 0f }, seed: 1);
        Assert.Equal(2, sampler.Next([0.1f, 0.2f, 0.9f, 0.3f]));
    }

    [Fact]
    public void Next_TopKOne_IsGreedyWhateverTheSeed()
    {
        float[] logits = [0.5f, 2f, 1.9f, -1f];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal(1, new Sampler(new GenerationOptions { Temperature = 1f, TopK = 1 }, seed).Next(logits));
        }
    }

    [Fact]
    public void Next_SmallTopP_KeepsOnlyTheMostLikely()
    {
        float[] logits = [0f, 5f, 0f, 0f];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal(1, new Sampler(new GenerationOptions { Temperature = 1f, TopP = 0.5f }, seed).Next(logits));
        }
    }

    [Fact]
    public void Next_SameSeed_SameDraws_AndFollowsTheDistribution()
    {
        float[] logits = [0f, MathF.Log(3f)];
        var options = new GenerationOptions { Temperature = 1f };
        var first = new Sampler(options, 123);
        var second = new Sampler(options, 123);
        var ones = 0;
        for (var i = 0; i < 4000; i++)
        {
            var token = first.Next(logits);
            Assert.Equal(token, second.Next(logits));
            ones += token;
        }

        // p(1) = 0.75; 4,000 draws put the share within a few points of it.
        Assert.InRange(ones / 4000.0, 0.72, 0.78);
    }

    [Theory]
    [InlineData(0, 1f, 1f, 0)]
    [InlineData(1, -0.1f, 1f, 0)]
    [InlineData(1, 1f, 0f, 0)]
    [InlineData(1, 1f, 1.1f, 0)]
    [InlineData(1, 1f, 1f, -1)]
    public void Validate_OutOfRange_Throws(int maxTokens, float temperature, float topP, int topK)
    {
        var options = new GenerationOptions { MaxTokens = maxTokens, Temperature = temperature, TopP = topP, TopK = topK };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }
}
