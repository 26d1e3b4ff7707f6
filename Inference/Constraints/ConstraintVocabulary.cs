using System.Collections.Concurrent;
using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Vocabulary;
using Platform.Inference.Tokenization;

namespace Platform.Inference.Constraints;

/// <summary>A model's tokens as bytes in a prefix tree, and its end-of-sequence ids: what every constraint on that model masks.</summary>
public sealed class ConstraintVocabulary
{
    private readonly Lazy<LexerTokenTable> _lexers;
    private readonly ConcurrentDictionary<(string Forbidden, int Position), Lazy<FreeTextTokenTable>> _freeText = new();

    private ConstraintVocabulary(TokenTrie trie, IReadOnlyList<int> endOfSequenceIds)
    {
        Trie = trie;
        EndOfSequenceIds = endOfSequenceIds;
        _lexers = new Lazy<LexerTokenTable>(() => new LexerTokenTable(trie));
    }

    public IReadOnlyList<int> EndOfSequenceIds { get; }

    public int Size => Trie.VocabularySize;

    internal TokenTrie Trie { get; }

    /// <summary>The tokens' effect on JSON string and number lexers in each state, built on first use (a few dozen trie walks on integers).</summary>
    internal LexerTokenTable Lexers => _lexers.Value;

    /// <summary>The tokens' effect on free text at one position, built the first time a mask needs it (one trie walk on integers).</summary>
    internal FreeTextTokenTable FreeText(FreeTextNode text, int position) =>
        _freeText.GetOrAdd((text.Forbidden, position), key => new Lazy<FreeTextTokenTable>(() => new FreeTextTokenTable(Trie, text, position))).Value;

    public static ConstraintVocabulary From(ITokenizer tokenizer, IReadOnlyList<int> endOfSequenceIds, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        // The model's logits row decides which ids exist: wider than the tokenizer (padding rows, never text) or
        // narrower (a test model that keeps a big tokenizer over a small embedding; ids past the row cannot be sampled).
        var bytes = TokenBytes.Read(tokenizer);
        System.Array.Resize(ref bytes, vocabularySize);
        foreach (var id in endOfSequenceIds.Where(id => (uint)id < (uint)bytes.Length))
        {
            // An end-of-sequence id ends generation whatever its text (a test model may reuse an ordinary token).
            bytes[id] = null;
        }

        return new ConstraintVocabulary(new TokenTrie(bytes), endOfSequenceIds);
    }

    /// <summary>The text bytes of a token; empty for special tokens.</summary>
    public ReadOnlySpan<byte> BytesOf(int id) => (uint)id < (uint)Trie.TokenBytes.Length ? Trie.TokenBytes[id] : null;
}
