namespace Platform.Inference.Tokenization;

/// <summary>
/// Finds added tokens in text: scanning left to right, at each position the longest token that starts there wins
/// (a trie over UTF-16 units, as the reference's dictionary splitter does).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Node _root = new();
    private readonly bool _isEmpty;

    public AddedTokenSplitter(IEnumerable<string> tokens)
    {
        _isEmpty = true;
        foreach (var token in tokens)
        {
            if (token.Length == 0)
            {
                continue;
            }

            var node = _root;
            foreach (var c in token)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children[c] = child;
                }

                node = child;
            }

            node.IsEnd = true;
            _isEmpty = false;
        }
    }

    /// <summary>Appends the sections of <paramref name="text"/>: matched tokens and the text between them, in order.</summary>
    public void Split(ReadOnlySpan<char> text, List<TextSection> sections)
    {
        var start = 0;
        var i = 0;
        while (!_isEmpty && i < text.Length)
        {
            var length = LongestMatch(text, i);
            if (length == 0)
            {
                i++;
                continue;
            }

            if (i > start)
            {
                sections.Add(new TextSection(start, i - start));
            }

            sections.Add(new TextSection(i, length));
            i += length;
            start = i;
        }

        if (start < text.Length)
        {
            sections.Add(new TextSection(start, text.Length - start));
        }
    }

    private int LongestMatch(ReadOnlySpan<char> text, int start)
    {
        var node = _root;
        var longest = 0;
        for (var j = start; j < text.Length; j++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[j], out node))
            {
                break;
            }

            if (node.IsEnd)
            {
                longest = j - start + 1;
            }
        }

        return longest;
    }

    // Built once in the constructor and only read afterwards.
    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public bool IsEnd { get; set; }
    }
}
