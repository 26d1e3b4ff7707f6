using System.Text;

namespace Platform.Inference.Tokenization;

/// <summary>Encoding: text to ids.</summary>
internal sealed partial class Tokenizer
{
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);

        var ids = new List<int>();
        var words = new WordBuffer();
        var sections = new List<TextSection>();
        var subsections = new List<TextSection>();
        _rawTextSplitter.Split(text, sections);
        StripAroundAddedTokens(text, sections);
        foreach (var section in sections)
        {
            var raw = text.AsSpan(section.Start, section.Length);
            if (raw.IsEmpty)
            {
                continue;
            }

            if (_vocabulary.TryGetAddedToken(raw, out var added))
            {
                ids.Add(added.Id);
                continue;
            }

            var normalized = raw.ToString();
            if (_options.RemoveSpace)
            {
                normalized = CollapseWhiteSpace(normalized);
            }

            if (_normalizer is not null)
            {
                normalized = _normalizer.Normalize(normalized);
            }

            subsections.Clear();
            _normalizedTextSplitter.Split(normalized, subsections);
            StripAroundAddedTokens(normalized, subsections);
            foreach (var subsection in subsections)
            {
                var piece = normalized.AsSpan(subsection.Start, subsection.Length);
                if (piece.IsEmpty)
                {
                    continue;
                }

                if (_vocabulary.TryGetAddedToken(piece, out var addedAfterNormalizing))
                {
                    ids.Add(addedAfterNormalizing.Id);
                    continue;
                }

                EncodeWithModel(piece, ids, words);
            }
        }

        return _postProcessor is null ? ids : _postProcessor.Apply(ids, addSpecialTokens);
    }

    /// <summary>
    /// lstrip/rstrip: whitespace next to such an added token is dropped from the neighbouring section. Sections are
    /// visited in order and see earlier trims, as in the reference.
    /// </summary>
    private void StripAroundAddedTokens(string text, List<TextSection> sections)
    {
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            if (!_vocabulary.TryGetAddedToken(text.AsSpan(section.Start, section.Length), out var token))
            {
                continue;
            }

            if (token.LeftStrip && i > 0)
            {
                var previous = sections[i - 1];
                sections[i - 1] = previous with
                {
                    Length = JsText.LengthWithoutTrailingWhiteSpace(text.AsSpan(previous.Start, previous.Length)),
                };
            }

            if (token.RightStrip && i < sections.Count - 1)
            {
                var next = sections[i + 1];
                var skip = JsText.SkipWhiteSpace(text.AsSpan(next.Start, next.Length));
                sections[i + 1] = new TextSection(next.Start + skip, next.Length - skip);
            }
        }
    }

    private void EncodeWithModel(ReadOnlySpan<char> text, List<int> ids, WordBuffer words)
    {
        var start = ids.Count;
        if (_preTokenizer is null)
        {
            _model.Encode(text, ids);
        }
        else
        {
            words.Clear();
            _preTokenizer.PreTokenize(text, words);
            for (var i = 0; i < words.Count; i++)
            {
                _model.Encode(words[i], ids);
            }
        }

        if (_fusedUnknownId is { } unknownId)
        {
            FuseUnknown(ids, start, unknownId);
        }
    }

    /// <summary><c>fuse_unk</c>: within one section's output, a run of unknown tokens becomes one.</summary>
    private static void FuseUnknown(List<int> ids, int start, int unknownId)
    {
        var write = start;
        for (var read = start; read < ids.Count; read++)
        {
            if (ids[read] == unknownId && write > start && ids[write - 1] == unknownId)
            {
                continue;
            }

            ids[write++] = ids[read];
        }

        ids.RemoveRange(write, ids.Count - write);
    }

    /// <summary><c>remove_space</c>: trims, then turns each whitespace run into one space.</summary>
    private static string CollapseWhiteSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text.AsSpan()[JsText.SkipWhiteSpace(text)..JsText.LengthWithoutTrailingWhiteSpace(text)])
        {
            if (JsText.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
