using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Platform.Inference.Tokenization;

/// <summary>
/// tokenizer.json's <c>BPE</c> model: a word's code points are merged by rank, then each piece becomes its id,
/// its <c>&lt;0xNN&gt;</c> byte tokens (<c>byte_fallback</c>) or the unknown token. Results are cached per word.
/// Immutable after construction apart from the thread-safe cache.
/// </summary>
internal sealed class BpeModel
{
    private const int MaxCachedWordLength = 256;
    private const int StackSymbols = 256;
    private const char Metaspace = '\u2581';

    private readonly TokenVocabulary _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _symbolBySpan;
    private readonly int[] _symbolByBmpChar;
    private readonly int[] _idBySymbol;
    private readonly BpeMergeTable _merges;
    private readonly int[]? _byteTokenIds;
    private readonly int? _unknownTokenId;
    private readonly bool _ignoreMerges;
    private readonly bool _splitBeforeMetaspace;
    private readonly BpeWordCache _cache;

    /// <param name="vocabulary">Token strings the model can emit (vocabulary and added tokens).</param>
    /// <param name="merges">Merge rules in rank order; every part and result must be in <paramref name="vocabulary"/>.</param>
    /// <param name="unknownToken">The <c>unk_token</c>, or null.</param>
    /// <param name="byteFallback">Whether pieces missing from the vocabulary become <c>&lt;0xNN&gt;</c> tokens.</param>
    /// <param name="ignoreMerges">Whether a whole word found in the vocabulary is emitted without merging.</param>
    /// <param name="cacheCapacity">How many words the cache holds before it starts afresh.</param>
    public BpeModel(
        TokenVocabulary vocabulary,
        IReadOnlyList<(string Left, string Right)> merges,
        string? unknownToken,
        bool byteFallback,
        bool ignoreMerges,
        int cacheCapacity = 100_000)
    {
        _vocabulary = vocabulary;
        _ignoreMerges = ignoreMerges;
        _cache = new BpeWordCache(cacheCapacity);

        // Symbols are a dense numbering of every token string; the merge loop works on these ints only.
        var symbolByText = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new List<int>();
        foreach (var (text, _) in vocabulary.Entries)
        {
            vocabulary.TryGetEncodedId(text, out var id);
            symbolByText[text] = ids.Count;
            ids.Add(id);
        }

        _idBySymbol = [.. ids];
        _symbolBySpan = symbolByText.GetAlternateLookup<ReadOnlySpan<char>>();
        _symbolByBmpChar = new int[char.MaxValue + 1];
        Array.Fill(_symbolByBmpChar, -1);
        foreach (var (text, symbol) in symbolByText)
        {
            if (text.Length == 1)
            {
                _symbolByBmpChar[text[0]] = symbol;
            }
        }

        var rules = new List<(int, int, int)>(merges.Count);
        var crossesMetaspace = false;
        foreach (var (left, right) in merges)
        {
            if (symbolByText.TryGetValue(left, out var leftSymbol) && symbolByText.TryGetValue(right, out var rightSymbol)
                && symbolByText.TryGetValue(left + right, out var result))
            {
                rules.Add((leftSymbol, rightSymbol, result));
                crossesMetaspace |= left.Length > 0 && left[^1] != Metaspace && right.Length > 0 && right[0] == Metaspace;
            }
        }

        _merges = new BpeMergeTable(rules);

        // Without a pre-tokenizer a SentencePiece-style section is one long word. When no merge can join a piece
        // ending in another character to one starting with "▁", cutting before each such "▁" gives the same result
        // and turns the section into short, cacheable words.
        _splitBeforeMetaspace = !crossesMetaspace;

        if (unknownToken is not null && vocabulary.TryGetEncodedId(unknownToken, out var unknownId))
        {
            _unknownTokenId = unknownId;
        }

        if (byteFallback)
        {
            _byteTokenIds = new int[256];
            for (var b = 0; b < 256; b++)
            {
                var token = string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>");
                _byteTokenIds[b] = vocabulary.Contains(token) && vocabulary.TryGetEncodedId(token, out var byteId) ? byteId : -1;
            }
        }
    }

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
        {
            return;
        }

        if (_ignoreMerges && _vocabulary.Contains(word) && _vocabulary.TryGetEncodedId(word, out var wholeId))
        {
            ids.Add(wholeId);
            return;
        }

        if (!_splitBeforeMetaspace)
        {
            EncodeSegment(word, ids);
            return;
        }

        var start = 0;
        for (var i = 1; i < word.Length; i++)
        {
            if (word[i] == Metaspace && word[i - 1] != Metaspace)
            {
                EncodeSegment(word[start..i], ids);
                start = i;
            }
        }

        EncodeSegment(word[start..], ids);
    }

    private void EncodeSegment(ReadOnlySpan<char> segment, List<int> ids)
    {
        var cacheable = segment.Length < MaxCachedWordLength;
        if (cacheable && _cache.TryGet(segment, out var cached))
        {
            ids.AddRange(cached);
            return;
        }

        var result = Tokenize(segment);
        if (cacheable)
        {
            _cache.Add(segment, result);
        }

        ids.AddRange(result);
    }

    [SkipLocalsInit] // the symbol buffer is filled before it is read
    private int[] Tokenize(ReadOnlySpan<char> segment)
    {
        int[]? rented = null;
        Span<int> symbols = segment.Length <= StackSymbols
            ? stackalloc int[segment.Length]
            : (rented = ArrayPool<int>.Shared.Rent(segment.Length));
        try
        {
            // Unknown characters get a negative symbol recording where they are, for the byte fallback.
            var count = 0;
            for (var i = 0; i < segment.Length;)
            {
                JsText.CodePointAt(segment, i, out var length);
                var symbol = length == 1 ? _symbolByBmpChar[segment[i]] : LookUpSymbol(segment.Slice(i, length));
                symbols[count++] = symbol >= 0 ? symbol : ~i;
                i += length;
            }

            count = BpeMerger.Merge(symbols[..count], _merges);
            return ToIds(segment, symbols[..count]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private int LookUpSymbol(ReadOnlySpan<char> text) => _symbolBySpan.TryGetValue(text, out var symbol) ? symbol : -1;

    private int[] ToIds(ReadOnlySpan<char> segment, ReadOnlySpan<int> symbols)
    {
        var total = 0;
        foreach (var symbol in symbols)
        {
            total += symbol >= 0 ? 1 : WriteFallback(segment, ~symbol, []);
        }

        var result = new int[total];
        var written = 0;
        foreach (var symbol in symbols)
        {
            if (symbol >= 0)
            {
                result[written++] = _idBySymbol[symbol];
            }
            else
            {
                written += WriteFallback(segment, ~symbol, result.AsSpan(written));
            }
        }

        return result;
    }

    /// <summary>
    /// The ids for a character missing from the vocabulary: its UTF-8 byte tokens when all exist, else the unknown
    /// token, else nothing. Returns the count; writes only when <paramref name="destination"/> has room.
    /// </summary>
    private int WriteFallback(ReadOnlySpan<char> segment, int index, Span<int> destination)
    {
        JsText.CodePointAt(segment, index, out var length);
        if (_byteTokenIds is not null)
        {
            Span<byte> bytes = stackalloc byte[4];
            var byteCount = Encoding.UTF8.GetBytes(segment.Slice(index, length), bytes);
            var allPresent = true;
            for (var i = 0; i < byteCount; i++)
            {
                allPresent &= _byteTokenIds[bytes[i]] >= 0;
            }

            if (allPresent)
            {
                if (destination.Length >= byteCount)
                {
                    for (var i = 0; i < byteCount; i++)
                    {
                        destination[i] = _byteTokenIds[bytes[i]];
                    }
                }

                return byteCount;
            }
        }

        if (_unknownTokenId is not { } unknownId)
        {
            return 0;
        }

        if (!destination.IsEmpty)
        {
            destination[0] = unknownId;
        }

        return 1;
    }
}
