using Platform.Api.Errors;
using Platform.Moderation;

namespace Platform.Api.Moderations;

/// <summary>
/// The moderation <c>model</c> a request may name: the classifier's own name, or one of OpenAI's moderation model
/// names, so that SDK defaults work; all are served by the one configured classifier, whose name the response reports.
/// </summary>
internal static class ModerationModelNames
{
    private static readonly HashSet<string> OpenAiNames = new(StringComparer.Ordinal)
    {
        "omni-moderation-latest", "omni-moderation-2024-09-26", "text-moderation-latest", "text-moderation-stable", "text-moderation-007",
    };

    public static void Check(ITextClassifier classifier, string? model, string param)
    {
        if (model is not null && model != classifier.Name && !OpenAiNames.Contains(model))
        {
            throw new ApiException(
                StatusCodes.Status404NotFound,
                $"The moderation model '{model}' does not exist; use '{classifier.Name}' or 'omni-moderation-latest'.",
                "invalid_request_error",
                param,
                "model_not_found");
        }
    }
}
