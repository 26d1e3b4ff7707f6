using Platform.Api.Tests.Inference.Synthetic;
using Platform.Api.Tests.Support;
using Platform.Inference.Synthetic.Classifier;
using Platform.Moderation;
using Platform.Moderation.Onnx;

namespace Platform.Api.Tests.Moderation;

/// <summary>A small ONNX classifier from the synthetic writer, run on the real ONNX Runtime through the engine's native layer and tokenizer.</summary>
[Collection(OrtTests.Name)]
public sealed class OnnxTextClassifierTests(OrtFixture ort)
{
    [Fact]
    public void Classify_SyntheticClassifier_LabelsMapToCategoriesAndTriggerWordsFlag()
    {
        using var folder = new TempDirectory();
        SyntheticClassifierWriter.Write(folder.Path,
        [
            ("violence", ["stab", "kill"]),
            ("harassment", ["idiot"]),
            ("not-a-category", ["banana"]),
        ]);
        using var classifier = new OnnxTextClassifier(ort.Runtime, folder.Path, "synthetic-classifier");

        var violent = classifier.Classify("they will kill him");
        var insult = classifier.Classify("you idiot");
        var calm = classifier.Classify("a quiet afternoon by the river");
        var other = classifier.Classify("a banana");

        Assert.True(violent.Flags[ModerationCategories.IndexOf(ModerationCategories.Violence)]);
        Assert.True(violent.Score(ModerationCategories.Violence) > 0.95);
        Assert.Equal(["label:violence"], violent.Matched);
        Assert.True(insult.Flags[ModerationCategories.IndexOf(ModerationCategories.Harassment)]);
        Assert.False(insult.Flags[ModerationCategories.IndexOf(ModerationCategories.Violence)]);
        Assert.False(calm.Flagged);
        Assert.True(calm.Score(ModerationCategories.Violence) < 0.05);
        Assert.False(other.Flagged);
        Assert.Equal(["label:not-a-category"], other.Matched);
        Assert.Equal(["violence", "harassment", "not-a-category"], classifier.Labels);
    }

    [Fact]
    public void Create_FolderWithoutConfig_FailsNamingTheFile()
    {
        using var folder = new TempDirectory();
        SyntheticClassifierWriter.Write(folder.Path, [("violence", ["kill"])]);
        File.Delete(Path.Combine(folder.Path, SyntheticClassifierWriter.ConfigFileName));

        var failure = Assert.Throws<Platform.Moderation.Rules.ModerationRulesException>(() => new OnnxTextClassifier(ort.Runtime, folder.Path));
        Assert.Contains("config.json", failure.Message, StringComparison.Ordinal);
    }
}
