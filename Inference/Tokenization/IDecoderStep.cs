namespace Platform.Inference.Tokenization;

/// <summary>One decoder of tokenizer.json: rewrites the list of token strings in place (the reference's <c>decode_chain</c>).</summary>
internal interface IDecoderStep
{
    void Apply(List<string> tokens);
}
