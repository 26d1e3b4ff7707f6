using Platform.Moderation;
using Platform.Moderation.Rules;

namespace Platform.Api.Tests.Moderation;

public sealed class RulesClassifierTests
{
    private const string Thresholds = """
        "thresholds": { "harassment": 0.5, "harassment/threatening": 0.5, "hate": 0.5, "hate/threatening": 0.5, "illicit": 0.5,
          "illicit/violent": 0.5, "self-harm": 0.5, "self-harm/intent": 0.5, "self-harm/instructions": 0.5, "sexual": 0.5,
          "sexual/minors": 0.5, "violence": 0.9, "violence/graphic": 0.5 }
        """;

    private static RulesClassifier Rules(string rules) => RulesClassifier.Parse($$"""{ "name": "test-rules", {{Thresholds}}, "rules": [{{rules}}] }""");

    [Fact]
    public void Classify_TermRule_ScoreIsOneMinusExpOfWeightAndRuleIsNamed()
    {
        var rules = Rules("""{ "id": "v.kill", "weights": { "violence": 1.0, "harassment": 0.5 }, "terms": ["kill* you"] }""");

        var result = rules.Classify("I'll KILLLL you");

        Assert.Equal(1 - Math.Exp(-1), result.Score(ModerationCategories.Violence), 5);
        Assert.Equal(1 - Math.Exp(-0.5), result.Score(ModerationCategories.Harassment), 5);
        Assert.False(result.Flags[ModerationCategories.IndexOf(ModerationCategories.Violence)]);
        Assert.Equal(["v.kill"], result.Matched);
        Assert.Equal("test-rules", rules.Name);
    }

    [Theory]
    [InlineData("killing you", true)]
    [InlineData("killed you", true)]
    [InlineData("kills you", true)]
    [InlineData("skills you", false)]
    [InlineData("kilogram you", false)]
    [InlineData("kill them", false)]
    public void Classify_StarredWord_MatchesInflectionsOnly(string text, bool matched) =>
        Assert.Equal(matched, Rules("""{ "id": "r", "weights": { "violence": 1 }, "terms": ["kill* you"] }""").Classify(text).Matched.Count == 1);

    [Fact]
    public void Classify_WeightsAddUpAndBenignContextSubtracts()
    {
        var rules = Rules("""
            { "id": "a", "weights": { "violence": 1.5 }, "terms": ["kill"] },
            { "id": "b", "weights": { "violence": 1.5 }, "terms": ["them"] },
            { "id": "benign", "weights": { "violence": -2.5 }, "terms": ["process"] }
            """);

        Assert.True(rules.Classify("kill them").Flagged);
        Assert.False(rules.Classify("kill them process").Flagged);
        Assert.Equal(0, rules.Classify("process").Score(ModerationCategories.Violence));
    }

    [Theory]
    [InlineData("i really want to hurt you", true)]
    [InlineData("you know i want a nap and it does not hurt anyone but you are far away from here", false)]
    public void Classify_NearRule_NeedsEveryGroupWithinTheWindow(string text, bool flagged) =>
        Assert.Equal(flagged, Rules("""{ "id": "t", "weights": { "harassment": 1 }, "near": [["want to", "will"], ["hurt*"], ["you"]], "window": 3 }""").Classify(text).Flagged);

    [Fact]
    public void Classify_QuestionMarkWord_MatchesAnyOneWord() =>
        Assert.True(Rules("""{ "id": "q", "weights": { "hate": 1 }, "terms": ["all ? must go"] }""").Classify("All immigrants must go").Flagged);

    [Theory]
    [InlineData("""{ "thresholds": {}, "rules": [] }""", "name")]
    [InlineData("""{ "name": "x", "thresholds": { "hate": 0.5 }, "rules": [] }""", "threshold")]
    [InlineData("""{ "name": "x", THRESHOLDS, "rules": [{ "id": "a", "weights": { "nonsense": 1 }, "terms": ["a"] }] }""", "not a moderation category")]
    [InlineData("""{ "name": "x", THRESHOLDS, "rules": [{ "id": "a", "weights": { "hate": 1 } }] }""", "'terms'")]
    [InlineData("""{ "name": "x", THRESHOLDS, "rules": [{ "id": "a", "weights": { "hate": 1 }, "terms": ["a"] }, { "id": "a", "weights": { "hate": 1 }, "terms": ["b"] }] }""", "two rules")]
    [InlineData("""{ "name": "x", THRESHOLDS, "rules": [{ "id": "a", "weights": { "hate": 1 }, "near": [["a"], ["b"]] }] }""", "window")]
    [InlineData("""{ "name": "x", THRESHOLDS, "rules": [{ "id": "a", "weights": { "hate": 1 }, "terms": ["? b"] }] }""", "start with a word")]
    [InlineData("""{ "name": "x" """, "not valid JSON")]
    public void Parse_BadRules_FailNamingTheProblem(string json, string problem)
    {
        var failure = Assert.Throws<ModerationRulesException>(() => RulesClassifier.Parse(json.Replace("THRESHOLDS", Thresholds, StringComparison.Ordinal)));
        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedRules_LoadAndCoverEveryCategory()
    {
        var rules = RulesClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Rules", "moderation-rules.json"));

        Assert.True(rules.RuleCount > 20);
        Assert.Equal(ModerationCategories.All.Count, rules.Classify("hello").Scores.Count);
        Assert.False(rules.Classify("Could you summarise this article about gardening?").Flagged);
    }

    [Fact]
    public void Load_MissingFile_FailsNamingIt()
    {
        var failure = Assert.Throws<ModerationRulesException>(() => RulesClassifier.Load("/nonexistent/rules.json"));
        Assert.Contains("/nonexistent/rules.json", failure.Message, StringComparison.Ordinal);
    }
}
