namespace Platform.Inference.Tokenization;

/// <summary>Splits a normalized text section into the words the model encodes independently.</summary>
internal interface IPreTokenizer
{
    void PreTokenize(ReadOnlySpan<char> text, WordBuffer words);
}
