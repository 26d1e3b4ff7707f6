namespace Platform.Inference.Engine;

/// <summary>
/// The keys and values of <see cref="Size"/> consecutive positions of one cached prefix, read-only once written.
/// Identified by its chain hash (the whole prefix up to and including it); <see cref="Parent"/>,
/// <see cref="Namespace"/> and <see cref="Tokens"/> are compared on every hit, so a hash collision is only a miss.
/// Its fields other than the data are touched only under the owning <see cref="PrefixCache"/>'s lock.
/// </summary>
internal sealed class KvBlock(KvBlock? parent, string ns, int[] tokens, ulong hash, KvSlot data)
{
    /// <summary>Positions per block: vLLM's default, small enough that a prompt rarely wastes much of its last block.</summary>
    public const int Size = 16;

    public KvBlock? Parent { get; } = parent;

    public string Namespace { get; } = ns;

    public int[] Tokens { get; } = tokens;

    public ulong Hash { get; } = hash;

    /// <summary>Where every past tensor's slice lies, one after the other (see <see cref="KvBlockLayout"/>).</summary>
    public KvSlot Data { get; } = data;

    /// <summary>Readers copying from it now; a referenced block is never evicted.</summary>
    public int References { get; set; }

    public LinkedListNode<KvBlock>? Recency { get; set; }

    public bool Follows(KvBlock? parent, string ns, ReadOnlySpan<int> tokens) =>
        ReferenceEquals(Parent, parent) && string.Equals(Namespace, ns, StringComparison.Ordinal) && tokens.SequenceEqual(Tokens);
}
