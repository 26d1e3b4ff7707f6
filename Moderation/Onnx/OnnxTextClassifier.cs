using Platform.Inference.Ort;
using Platform.Inference.Tokenization;

namespace Platform.Moderation.Onnx;

/// <summary>
/// A text-classification model run through the engine's own ONNX Runtime layer and tokenizer: a folder with
/// <c>tokenizer.json</c>, <c>config.json</c> (labels) and <c>model.onnx</c> taking <c>input_ids</c> (and
/// <c>attention_mask</c> when it has one) and giving <c>logits</c>. Labels named like moderation categories score
/// them; a category is flagged at 0.5. Results name the labels that passed (<c>label:violence</c>).
/// </summary>
public sealed class OnnxTextClassifier : ITextClassifier, IDisposable
{
    private const double Threshold = 0.5;

    private readonly OrtRuntime _runtime;
    private readonly OrtSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly OnnxClassifierConfig _config;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int[] _categoryOfLabel;

    public OnnxTextClassifier(OrtRuntime runtime, string directory, string? name = null)
    {
        _runtime = runtime;
        _config = OnnxClassifierConfig.Read(directory);
        _tokenizer = TokenizerLoader.Load(directory);
        _session = runtime.CreateSession(Path.Combine(directory, "model.onnx"), new SessionSettings { IntraOpThreads = 1 });
        var inputs = _session.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        _inputNames = inputs.Contains("attention_mask") ? ["input_ids", "attention_mask"] : ["input_ids"];
        if (!inputs.Contains("input_ids"))
        {
            throw new Rules.ModerationRulesException($"The classifier in '{directory}' has no 'input_ids' input.");
        }

        _outputNames = [_session.Outputs.Any(o => o.Name == "logits") ? "logits" : _session.Outputs[0].Name];
        _categoryOfLabel = [.. _config.Labels.Select(ModerationCategories.IndexOf)];
        Name = name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
    }

    public string Name { get; }

    public IReadOnlyList<string> Labels => _config.Labels;

    public ModerationResult Classify(string text)
    {
        var ids = _tokenizer.Encode(text);
        var count = Math.Max(1, Math.Min(ids.Count, _config.MaxTokens));
        var idValues = new long[count];
        var maskValues = new long[count];
        for (var i = 0; i < count; i++)
        {
            idValues[i] = i < ids.Count ? ids[i] : 0;
            maskValues[i] = i < ids.Count ? 1 : 0;
        }

        long[] shape = [1, count];
        using var idTensor = OrtTensor.FromSpan<long>(_runtime, TensorElementType.Int64, shape, idValues);
        using var maskTensor = OrtTensor.FromSpan<long>(_runtime, TensorElementType.Int64, shape, maskValues);
        OrtTensor[] inputs = _inputNames.Length == 2 ? [idTensor, maskTensor] : [idTensor];
        var outputs = _session.Run(_inputNames, inputs, _outputNames);
        try
        {
            var logits = outputs[0].AsSpan<float>();
            var probabilities = Probabilities(logits[.._config.Labels.Count]);
            var scores = new double[ModerationCategories.All.Count];
            var flags = new bool[scores.Length];
            var matched = new List<string>();
            for (var label = 0; label < probabilities.Length; label++)
            {
                var category = _categoryOfLabel[label];
                if (probabilities[label] >= Threshold)
                {
                    matched.Add("label:" + _config.Labels[label]);
                }

                if (category >= 0)
                {
                    scores[category] = Math.Max(scores[category], Math.Round(probabilities[label], 6));
                    flags[category] = scores[category] >= Threshold;
                }
            }

            return new ModerationResult(scores, flags, matched);
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }

    private double[] Probabilities(ReadOnlySpan<float> logits)
    {
        var result = new double[logits.Length];
        if (_config.MultiLabel)
        {
            for (var i = 0; i < logits.Length; i++)
            {
                result[i] = 1 / (1 + Math.Exp(-logits[i]));
            }

            return result;
        }

        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        var sum = 0d;
        for (var i = 0; i < logits.Length; i++)
        {
            result[i] = Math.Exp(logits[i] - max);
            sum += result[i];
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] /= sum;
        }

        return result;
    }

    public void Dispose() => _session.Dispose();
}
