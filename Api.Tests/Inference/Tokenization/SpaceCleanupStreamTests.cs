using System.Text;
using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>Streaming space clean-up must equal cleaning the whole text, whatever the chunking.</summary>
public sealed class SpaceCleanupStreamTests
{
    // Characters of the clean-up patterns, so that matches, overlaps and cascades are frequent.
    private const string Alphabet = " ' .,?!ntmsvrex";

    [Fact]
    public void Clean_Contractions_RemoveSpaceBeforeThem()
    {
        Assert.Equal("Hello, world. I'm sure it's done. They're here! Don't go? we've", SpaceCleaner.Clean(
            "Hello , world . I 'm sure it 's done . They 're here ! Do n't go ? we 've"));
    }

    [Fact]
    public void Push_RandomChunks_EqualsCleaningWholeText()
    {
        var random = new Random(20240611);
        for (var round = 0; round < 5000; round++)
        {
            var prompt = RandomText(random, random.Next(0, 12));
            var streamed = RandomText(random, random.Next(0, 30));
            var expectedFull = SpaceCleaner.Clean(prompt + streamed);
            var expected = expectedFull[Math.Min(SpaceCleaner.Clean(prompt).Length, expectedFull.Length)..];

            var stream = new SpaceCleanupStream(prompt);
            var output = new StringBuilder();
            for (var i = 0; i < streamed.Length;)
            {
                var length = Math.Min(random.Next(0, 4), streamed.Length - i);
                output.Append(stream.Push(streamed.Substring(i, length)));
                i += length;
            }

            output.Append(stream.Flush());
            Assert.True(expected == output.ToString(), $"prompt '{prompt}', streamed '{streamed}': expected '{expected}', got '{output}'");
        }
    }

    [Fact]
    public void Push_TextWithoutPatterns_IsNotHeldBack()
    {
        var stream = new SpaceCleanupStream("Hello");

        Assert.Equal(" big world", stream.Push(" big world"));
        Assert.Equal(string.Empty, stream.Flush());
    }

    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }
}
