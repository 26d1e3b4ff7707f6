namespace Platform.Inference.Tokenization;

/// <summary><c>Fuse</c> decoder: joins all tokens into one, so later steps see the whole text.</summary>
internal sealed class FuseDecoder : IDecoderStep
{
    public void Apply(List<string> tokens)
    {
        var fused = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(fused);
    }
}
