namespace Platform.Api.Tools;

/// <summary>What a choice's generated text turned into: plain content, or a piece of a tool call.</summary>
internal abstract record ToolCallEvent;

/// <summary>Text outside any call: the message's <c>content</c>.</summary>
internal sealed record ContentEvent(string Text) : ToolCallEvent;

/// <summary>A call's first fragment (its <c>id</c>, <c>type</c> and name) or a later one (a piece of its <c>arguments</c>).</summary>
internal sealed record CallEvent(int Index, string? Id, string? Name, string Arguments) : ToolCallEvent;
