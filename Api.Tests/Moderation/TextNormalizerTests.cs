using Platform.Moderation.Rules;

namespace Platform.Api.Tests.Moderation;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("I will KILL you", "i wil kil you")]
    [InlineData("k1ll y0u", "kil you")]
    [InlineData("h@te $uicide", "hate suicide")]
    [InlineData("k.i.l.l and k-i-l-l", "kil and kil")]
    [InlineData("k i l l you", "kil you")]
    [InlineData("u r a freak", "u r a freak")]
    [InlineData("s e x", "sex")]
    [InlineData("kiiiilllll", "kil")]
    [InlineData("self-harm, don't!", "self harm dont")]
    [InlineData("ｋｉｌｌ", "kil")]
    [InlineData("kіll", "kil")]
    [InlineData("ki\u200Bll", "kil")]
    [InlineData("Déjà vu", "deja vu")]
    [InlineData("in 2024 we had 100 cats", "in 2024 we had 100 cats")]
    [InlineData("gut$ everywhere...", "guts everywhere")]
    [InlineData("", "")]
    public void Normalize_ObfuscatedText_ReadsAsPlainWords(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(text).ToString());
}
