using System.Collections.ObjectModel;

namespace Platform.Inference.Templates;

/// <summary>
/// The variables a chat template sees. Values inside messages, tools and <see cref="Extra"/> are
/// <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, null,
/// <see cref="IReadOnlyList{T}"/> of object and <see cref="IReadOnlyDictionary{TKey, TValue}"/> of string to object
/// (dictionaries keep their enumeration order, which <c>tojson</c> reproduces).
/// </summary>
public sealed record ChatTemplateContext
{
    /// <summary>The conversation, as <c>messages</c>: each message has at least <c>role</c> and <c>content</c>.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<string, object?>> Messages { get; init; }

    /// <summary><c>bos_token</c>; null leaves it undefined (it renders as empty).</summary>
    public string? BosToken { get; init; }

    /// <summary><c>eos_token</c>; null leaves it undefined (it renders as empty).</summary>
    public string? EosToken { get; init; }

    /// <summary><c>add_generation_prompt</c>: whether to open the assistant's turn at the end.</summary>
    public bool AddGenerationPrompt { get; init; }

    /// <summary><c>tools</c>, the function definitions offered to the model; null is <c>none</c> (falsy), as transformers passes it.</summary>
    public IReadOnlyList<object?>? Tools { get; init; }

    /// <summary>Any other variables (for example <c>enable_thinking</c>); the named properties above win over an entry of the same name.</summary>
    public IReadOnlyDictionary<string, object?> Extra { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    /// <summary>The clock <c>strftime_now</c> reads (its local time); tests pass a fake.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
