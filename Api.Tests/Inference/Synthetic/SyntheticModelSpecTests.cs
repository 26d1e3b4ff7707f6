using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Synthetic;

public sealed class SyntheticModelSpecTests
{
    [Theory]
    [InlineData("Layers")]
    [InlineData("HiddenSize")]
    [InlineData("Heads")]
    [InlineData("KvHeads")]
    [InlineData("IntermediateSize")]
    [InlineData("VocabSize")]
    [InlineData("ContextLength")]
    public void Validate_NonPositiveField_ThrowsNamingIt(string field)
    {
        var spec = field switch
        {
            "Layers" => SyntheticModelSpec.Tiny() with { Layers = 0 },
            "HiddenSize" => SyntheticModelSpec.Tiny() with { HiddenSize = 0 },
            "Heads" => SyntheticModelSpec.Tiny() with { Heads = -1 },
            "KvHeads" => SyntheticModelSpec.Tiny() with { KvHeads = 0 },
            "IntermediateSize" => SyntheticModelSpec.Tiny() with { IntermediateSize = 0 },
            "VocabSize" => SyntheticModelSpec.Tiny() with { VocabSize = 0 },
            _ => SyntheticModelSpec.Tiny() with { ContextLength = 0 },
        };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void Validate_KvHeadsNotDividingHeads_ThrowsNamingKvHeads()
    {
        var spec = SyntheticModelSpec.Tiny() with { KvHeads = 3 };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Equal(nameof(SyntheticModelSpec.KvHeads), error.ParamName);
    }

    [Fact]
    public void Validate_HiddenSizeNotDivisibleByHeads_ThrowsNamingHiddenSize()
    {
        var spec = SyntheticModelSpec.Tiny() with { HiddenSize = 30 };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Equal(nameof(SyntheticModelSpec.HiddenSize), error.ParamName);
    }

    [Fact]
    public void Validate_OddHeadSize_ThrowsNamingHiddenSizeForRotary()
    {
        var spec = SyntheticModelSpec.Tiny() with { HiddenSize = 36 }; // 36 / 4 heads = 9

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Equal(nameof(SyntheticModelSpec.HiddenSize), error.ParamName);
        Assert.Contains("rotary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_VocabSmallerThanBytesPlusSpecials_ThrowsNamingVocabSize()
    {
        var spec = SyntheticModelSpec.Tiny() with { VocabSize = 258 };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Equal(nameof(SyntheticModelSpec.VocabSize), error.ParamName);
    }

    [Fact]
    public void Presets_AllValidate()
    {
        SyntheticModelSpec.TinyDefault.Validate();
        SyntheticModelSpec.Bench10M.Validate();
        SyntheticModelSpec.Bench100M.Validate();
        SyntheticModelSpec.Tiny(float16: true, seed: 5).Validate();
    }

    [Theory]
    [InlineData("Bench10M", 10_000_000)]
    [InlineData("Bench100M", 100_000_000)]
    public void ParameterCount_BenchPresets_WithinFifteenPercentOfTarget(string preset, long target)
    {
        var spec = preset == "Bench10M" ? SyntheticModelSpec.Bench10M : SyntheticModelSpec.Bench100M;

        Assert.InRange(spec.ParameterCount, target * 85 / 100, target * 115 / 100);
    }

    [Fact]
    public void ParameterCount_Bench100M_MostParametersAreInTheLayers()
    {
        var spec = SyntheticModelSpec.Bench100M;
        var embeddingAndHead = 2L * spec.VocabSize * spec.HiddenSize;

        Assert.True(embeddingAndHead < spec.ParameterCount / 2);
    }

    [Fact]
    public void ParameterCount_TinyDefault_MatchesHandCount()
    {
        // embed 1024x64 + lm_head 64x1024 + 2 layers x (q 64x64, k/v 64x32, o 64x64, MLP 3x64x256, 2 norms x64) + final norm 64
        const long expected = (2 * 1024 * 64) + (2 * ((64 * 64 * 2) + (64 * 32 * 2) + (3 * 64 * 256) + 128)) + 64;

        Assert.Equal(expected, SyntheticModelSpec.TinyDefault.ParameterCount);
    }
}
