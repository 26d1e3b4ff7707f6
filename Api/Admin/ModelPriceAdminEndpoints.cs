using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Errors;
using Platform.Billing.Pricing;

namespace Platform.Api.Admin;

/// <summary>
/// <c>/admin/model_prices</c>: prices in USD per million tokens from <c>effective_from</c> on. A price in effect is
/// history: change it by adding a later one; only a scheduled price may be corrected.
/// </summary>
internal static class ModelPriceAdminEndpoints
{
    public static IEndpointRouteBuilder MapModelPriceAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/model_prices", ListAsync);
        routes.MapPost("/model_prices", CreateAsync);
        routes.MapGet("/model_prices/{price_id}", GetAsync);
        routes.MapPost("/model_prices/{price_id}", UpdateAsync);
        return routes;
    }

    internal static async Task<Ok<AdminList<ModelPriceResponse>>> ListAsync(HttpContext context, ModelPriceRepository prices)
    {
        var model = context.Request.Query["model"].ToString() is { Length: > 0 } m ? m : null;
        var page = await prices.ListAsync(AdminList.Page(context.Request, AdminIds.ModelPrice), model, context.RequestAborted);
        return TypedResults.Ok(AdminList.From(page, ModelPriceResponse.From, p => p.Id));
    }

    internal static async Task<Created<ModelPriceResponse>> CreateAsync(HttpContext context, ModelPriceRepository prices, TimeProvider time)
    {
        AdminAccess.Of(context).RequireOwner("setting a model price");
        var body = await AdminRequest.ReadAsync(context);
        var price = new ModelPriceDefinition(
            body.RequiredString("model"),
            body.OptionalDecimal("input_per_million") ?? throw ApiException.Missing("input_per_million"),
            body.OptionalDecimal("cached_input_per_million") ?? 0m,
            body.OptionalDecimal("output_per_million") ?? throw ApiException.Missing("output_per_million"),
            body.OptionalUnixTime("effective_from") ?? time.GetUtcNow());
        var created = ModelPriceResponse.From(await prices.CreateAsync(price, AdminRequest.Actor(context), context.RequestAborted));
        return TypedResults.Created($"/admin/model_prices/{created.Id}", created);
    }

    internal static async Task<Ok<ModelPriceResponse>> GetAsync(HttpContext context, string price_id, ModelPriceRepository prices) =>
        TypedResults.Ok(ModelPriceResponse.From(await prices.GetAsync(Id(price_id), context.RequestAborted)));

    /// <summary>Corrects a scheduled price; the fields not named stay as they are.</summary>
    internal static async Task<Ok<ModelPriceResponse>> UpdateAsync(HttpContext context, string price_id, ModelPriceRepository prices)
    {
        AdminAccess.Of(context).RequireOwner("changing a model price");
        var id = Id(price_id);
        var body = await AdminRequest.ReadAsync(context);
        var old = await prices.GetAsync(id, context.RequestAborted);
        var price = new ModelPriceDefinition(
            body.OptionalString("model") ?? old.Model,
            body.OptionalDecimal("input_per_million") ?? old.InputPerMillion,
            body.OptionalDecimal("cached_input_per_million") ?? old.CachedInputPerMillion,
            body.OptionalDecimal("output_per_million") ?? old.OutputPerMillion,
            body.OptionalUnixTime("effective_from") ?? old.EffectiveFrom);
        return TypedResults.Ok(ModelPriceResponse.From(await prices.UpdateAsync(id, price, AdminRequest.Actor(context), context.RequestAborted)));
    }

    private static long Id(string text) => AdminIds.FromPath(AdminIds.ModelPrice, text, "model price");
}

internal sealed record ModelPriceResponse(
    string Id,
    string Model,
    decimal InputPerMillion,
    decimal CachedInputPerMillion,
    decimal OutputPerMillion,
    long EffectiveFrom,
    long CreatedAt)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "model_price";

    public static ModelPriceResponse From(ModelPrice p) => new(
        AdminIds.Format(AdminIds.ModelPrice, p.Id),
        p.Model,
        p.InputPerMillion,
        p.CachedInputPerMillion,
        p.OutputPerMillion,
        AdminRequest.Unix(p.EffectiveFrom),
        AdminRequest.Unix(p.CreatedAt));
}
