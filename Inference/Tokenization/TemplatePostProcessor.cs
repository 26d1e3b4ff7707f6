namespace Platform.Inference.Tokenization;

/// <summary>
/// <c>TemplateProcessing</c> for single sequences (e.g. Llama's <c>&lt;s&gt; $A</c>). Several templates, from a
/// <c>Sequence</c> post-processor, apply in order. Special ids are left out when special tokens are not wanted.
/// </summary>
internal sealed class TemplatePostProcessor(IReadOnlyList<IReadOnlyList<int?>> templates)
{
    /// <summary>Applies the templates; an item of null stands for the encoded sequence.</summary>
    public List<int> Apply(List<int> sequence, bool addSpecialTokens)
    {
        foreach (var template in templates)
        {
            var output = new List<int>(sequence.Count + template.Count);
            foreach (var item in template)
            {
                if (item is { } specialId)
                {
                    if (addSpecialTokens)
                    {
                        output.Add(specialId);
                    }
                }
                else
                {
                    output.AddRange(sequence);
                }
            }

            sequence = output;
        }

        return sequence;
    }
}
