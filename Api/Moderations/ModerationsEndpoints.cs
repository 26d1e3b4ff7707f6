using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Api.Sampling;
using Platform.Moderation;

namespace Platform.Api.Moderations;

/// <summary><c>POST /v1/moderations</c>: OpenAI's moderation endpoint over the configured classifier.</summary>
internal static class ModerationsEndpoints
{
    public static IEndpointRouteBuilder MapModerations(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/moderations", CreateAsync);
        return routes;
    }

    internal static async Task<JsonHttpResult<ModerationResponse>> CreateAsync(
        HttpContext context, ITextClassifier classifier, IOptions<ModerationOptions> moderation, IOptions<ApiOptions> api)
    {
        var request = await JsonRequest.ReadAsync(context.Request, api.Value.MaxRequestBodyBytes, context.RequestAborted);
        var inputs = ModerationInput.Read(request, moderation.Value);
        ModerationModelNames.Check(classifier, request.OptionalString("model"), "model");
        var results = inputs.Select(text => ModerationResultResponse.From(classifier.Classify(text))).ToList();
        return TypedResults.Json(new ModerationResponse(ResponseIds.New("modr"), classifier.Name, results), ApiJson.Options);
    }
}
