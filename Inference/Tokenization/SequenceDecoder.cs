namespace Platform.Inference.Tokenization;

/// <summary><c>Sequence</c> decoder: applies its decoders in order.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<IDecoderStep> steps) : IDecoderStep
{
    public void Apply(List<string> tokens)
    {
        foreach (var step in steps)
        {
            step.Apply(tokens);
        }
    }
}
