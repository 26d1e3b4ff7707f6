using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Inference.Models;

namespace Platform.Api.Models;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the models being served.</summary>
internal static class ModelsEndpoints
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/models", List);
        routes.MapGet("/models/{id}", Get);
        return routes;
    }

    internal static JsonHttpResult<ModelList> List(ModelRegistry registry, HttpContext context) =>
        TypedResults.Json(new ModelList("list", [.. registry.Models.Where(m => context.AllowsModel(m.Name)).Select(Describe)]), ApiJson.Options);

    internal static JsonHttpResult<ModelObject> Get(string id, ModelRegistry registry, HttpContext context) =>
        registry.TryGet(id, out var model) && context.AllowsModel(id) ? TypedResults.Json(Describe(model), ApiJson.Options) : throw ApiException.ModelNotFound(id);

    private static ModelObject Describe(LoadedModel model) =>
        new(model.Name, "model", model.CreatedAt.ToUnixTimeSeconds(), "platform");
}

internal sealed record ModelList(string Object, IReadOnlyList<ModelObject> Data);

/// <summary><c>created</c> is when the model folder's genai_config.json was written.</summary>
internal sealed record ModelObject(string Id, string Object, long Created, string OwnedBy);
