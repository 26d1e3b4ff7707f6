using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Platform.Inference.Tokenization;

/// <summary>
/// The pre-tokens of one text section, stored back to back in one growable char array so that pre-tokenizing
/// allocates no string per word; the model reads each word as a span.
/// </summary>
internal sealed class WordBuffer
{
    private const int StackBytes = 512;

    private char[] _chars = new char[256];
    private int[] _ends = new int[64];
    private int _length;

    public int Count { get; private set; }

    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var start = index == 0 ? 0 : _ends[index - 1];
            return _chars.AsSpan(start, _ends[index] - start);
        }
    }

    public void Clear()
    {
        Count = 0;
        _length = 0;
    }

    public void Add(ReadOnlySpan<char> word)
    {
        word.CopyTo(Reserve(word.Length));
        Commit(word.Length);
    }

    /// <summary>Adds the word as byte-level characters: its UTF-8 bytes, each shown as one alphabet character.</summary>
    [SkipLocalsInit] // only the encoded bytes are read
    public void AddByteLevel(ReadOnlySpan<char> word)
    {
        if (Ascii.IsValid(word))
        {
            // One byte per character: skip the UTF-8 encoder.
            var ascii = Reserve(word.Length);
            for (var i = 0; i < word.Length; i++)
            {
                ascii[i] = ByteLevelAlphabet.ToChar((byte)word[i]);
            }

            Commit(word.Length);
            return;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(word.Length);
        byte[]? rented = null;
        Span<byte> bytes = maxBytes <= StackBytes ? stackalloc byte[maxBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            // Lone surrogates become U+FFFD's bytes, as JavaScript's TextEncoder does.
            var count = Encoding.UTF8.GetBytes(word, bytes);
            var target = Reserve(count);
            for (var i = 0; i < count; i++)
            {
                target[i] = ByteLevelAlphabet.ToChar(bytes[i]);
            }

            Commit(count);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private Span<char> Reserve(int length)
    {
        if (_length + length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + length));
        }

        return _chars.AsSpan(_length, length);
    }

    private void Commit(int length)
    {
        if (length == 0)
        {
            return;
        }

        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        _length += length;
        _ends[Count++] = _length;
    }
}
