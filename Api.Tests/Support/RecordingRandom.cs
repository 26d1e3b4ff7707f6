using System.Security.Cryptography;

namespace Platform.Api.Tests.Support;

/// <summary>Hands out bytes from a seeded generator and keeps a copy of every byte, so a test can check what became of them.</summary>
internal sealed class RecordingRandom(int seed) : RandomNumberGenerator
{
    private readonly Random _random = new(seed);
    private readonly List<byte[]> _handedOut = [];

    public IReadOnlyList<byte[]> HandedOut => _handedOut;

    public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

    public override void GetBytes(Span<byte> data)
    {
        _random.NextBytes(data);
        _handedOut.Add(data.ToArray());
    }
}
