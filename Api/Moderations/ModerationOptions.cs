using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Moderations;

/// <summary>The <c>Moderation</c> configuration section.</summary>
internal sealed class ModerationOptions
{
    public const string SectionName = "Moderation";

    /// <summary>The rules file; relative paths are from the binaries' folder, where the built-in file is copied.</summary>
    [Required]
    public string RulesPath { get; init; } = Path.Combine("Rules", "moderation-rules.json");

    /// <summary>
    /// An ONNX text classifier folder (<c>tokenizer.json</c>, <c>config.json</c> with <c>id2label</c>, <c>model.onnx</c>) to use
    /// instead of the rules; empty for the rules.
    /// </summary>
    public string? OnnxClassifierDirectory { get; init; }

    /// <summary>Whether generated output of tiers that moderate is checked too (a request's own <c>moderation</c> field always is).</summary>
    public bool CheckOutput { get; init; }

    /// <summary>Most inputs one <c>/v1/moderations</c> request may carry.</summary>
    [Range(1, 4096)]
    public int MaxInputs { get; init; } = 32;

    /// <summary>Longest input, in characters, that <c>/v1/moderations</c> accepts.</summary>
    [Range(1, 10_000_000)]
    public int MaxInputCharacters { get; init; } = 32_768;

    /// <summary>Characters of flagged text kept in an event for reviewers.</summary>
    [Range(0, 500)]
    public int ExcerptLength { get; init; } = 200;

    /// <summary>Events waiting for the database; when full, new ones are dropped (and logged) rather than slowing requests.</summary>
    [Range(1, 1_000_000)]
    public int EventQueueCapacity { get; init; } = 10_000;

    public string ResolveRulesPath() => Path.IsPathRooted(RulesPath) ? RulesPath : Path.Combine(AppContext.BaseDirectory, RulesPath);
}
