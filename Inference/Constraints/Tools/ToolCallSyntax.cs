namespace Platform.Inference.Constraints.Tools;

/// <summary>
/// How a model writes its tool calls. Hermes style (qwen2.5, qwen3) wraps each call's
/// <c>{"name": ..., "arguments": ...}</c> in its own <c>&lt;tool_call&gt;</c> block, blocks one per line; Phi-4
/// style writes one JSON list of calls between <c>&lt;|tool_call|&gt;</c> and <c>&lt;|/tool_call|&gt;</c>.
/// </summary>
public sealed record ToolCallSyntax(string Name, string Trigger, string EndMarker, string Open, string Close, string Separator, bool BlockPerCall)
{
    public static ToolCallSyntax Hermes { get; } = new("hermes", "<tool_call>", "</tool_call>", "<tool_call>\n", "\n</tool_call>", "\n", BlockPerCall: true);

    public static ToolCallSyntax Phi4 { get; } = new("phi4", "<|tool_call|>", "<|/tool_call|>", "<|tool_call|>[", "]<|/tool_call|>", ", ", BlockPerCall: false);

    /// <summary>The syntax a configuration value names (<c>hermes</c>, <c>phi4</c>), or null.</summary>
    public static ToolCallSyntax? Named(string name) => name?.ToLowerInvariant() switch
    {
        "hermes" => Hermes,
        "phi4" or "phi-4" => Phi4,
        _ => null,
    };

    /// <summary>The syntax a chat template's own text shows, when it shows exactly one.</summary>
    public static ToolCallSyntax? Detect(string templateSource)
    {
        ArgumentNullException.ThrowIfNull(templateSource);
        var hermes = templateSource.Contains("<tool_call>", StringComparison.Ordinal);
        var phi4 = templateSource.Contains("<|tool_call|>", StringComparison.Ordinal);
        return hermes == phi4 ? null : hermes ? Hermes : Phi4;
    }
}
