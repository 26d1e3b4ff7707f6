namespace Platform.Moderation.Rules;

/// <summary>A text as the rules see it: lowercase words with obfuscation undone, as ranges over one buffer.</summary>
internal sealed class NormalizedText(char[] buffer, List<Range> words)
{
    public int Count => words.Count;

    public ReadOnlySpan<char> this[int index] => buffer.AsSpan()[words[index]];

    public override string ToString() => string.Join(' ', words.Select(w => new string(buffer.AsSpan()[w])));
}
