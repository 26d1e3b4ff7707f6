using Platform.Inference.Constraints.Vocabulary;
using Platform.Inference.Tokenization;

namespace Platform.Inference.Constraints;

/// <summary>A model's tokens as bytes in a prefix tree, and its end-of-sequence ids: what every constraint on that model masks.</summary>
public sealed class ConstraintVocabulary
{
    private ConstraintVocabulary(TokenTrie trie, IReadOnlyList<int> endOfSequenceIds)
    {
        Trie = trie;
        EndOfSequenceIds = endOfSequenceIds;
    }

    public IReadOnlyList<int> EndOfSequenceIds { get; }

    public int Size => Trie.VocabularySize;

    internal TokenTrie Trie { get; }

    public static ConstraintVocabulary From(ITokenizer tokenizer, IReadOnlyList<int> endOfSequenceIds, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var bytes = TokenBytes.Read(tokenizer);
        if (bytes.Length < vocabularySize)
        {
            // The model's logits can be wider than the tokenizer's vocabulary (padding rows): those ids are never text.
            System.Array.Resize(ref bytes, vocabularySize);
        }

        return new ConstraintVocabulary(new TokenTrie(bytes), endOfSequenceIds);
    }

    /// <summary>The text bytes of a token; empty for special tokens.</summary>
    public ReadOnlySpan<byte> BytesOf(int id) => (uint)id < (uint)Trie.TokenBytes.Length ? Trie.TokenBytes[id] : null;
}
