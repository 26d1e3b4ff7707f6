namespace Platform.Api.Contract;

/// <summary>The contract, <c>openapi.yaml</c>, served as written, and Swagger UI over it at <c>/docs</c>.</summary>
internal static class ContractEndpoints
{
    public static IEndpointRouteBuilder MapContract(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/openapi.yaml", () => TypedResults.PhysicalFile(Path.Combine(AppContext.BaseDirectory, "openapi.yaml"), "application/yaml"))
            .ExcludeFromDescription();
        return routes;
    }

    public static IApplicationBuilder UseContractDocs(this IApplicationBuilder app) =>
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.SwaggerEndpoint("/openapi.yaml", "Platform");
            options.DocumentTitle = "Platform API";
        });
}
