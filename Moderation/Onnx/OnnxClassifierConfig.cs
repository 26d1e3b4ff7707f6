using System.Globalization;
using System.Text.Json;
using Platform.Moderation.Rules;

namespace Platform.Moderation.Onnx;

/// <summary>
/// What <c>config.json</c> of a Hugging Face sequence classifier says: the label of each logit (<c>id2label</c>) and
/// whether labels are independent (<c>multi_label_classification</c>: sigmoid per label) or exclusive (softmax).
/// </summary>
internal sealed record OnnxClassifierConfig(IReadOnlyList<string> Labels, bool MultiLabel, int MaxTokens)
{
    public const string FileName = "config.json";

    public static OnnxClassifierConfig Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (!root.TryGetProperty("id2label", out var id2label) || id2label.ValueKind != JsonValueKind.Object)
            {
                throw new ModerationRulesException($"'{path}' has no 'id2label' object mapping logit indexes to labels.");
            }

            var labels = new string[id2label.EnumerateObject().Count()];
            foreach (var entry in id2label.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= labels.Length
                    || entry.Value.ValueKind != JsonValueKind.String)
                {
                    throw new ModerationRulesException($"'{path}': id2label entry '{entry.Name}' is not an index 0..{labels.Length - 1} with a label.");
                }

                labels[index] = entry.Value.GetString()!;
            }

            var multiLabel = !root.TryGetProperty("problem_type", out var problem) || problem.GetString() != "single_label_classification";
            var maxTokens = root.TryGetProperty("max_position_embeddings", out var max) && max.TryGetInt32(out var m) && m > 0 ? m : 512;
            return new OnnxClassifierConfig(labels, multiLabel, maxTokens);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ModerationRulesException($"The classifier config '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}
