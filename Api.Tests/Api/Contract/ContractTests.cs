using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Platform.Api.Tests.Api.Contract;

[Collection(ApiTests.Name)]
public sealed class ContractTests(ApiFixture api)
{
    [Fact]
    public void OpenApi_EveryMappedRoute_IsDocumented()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "openapi.yaml")))
        {
            yaml.Load(reader);
        }

        var paths = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("paths")];
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, operations) in paths.Children)
        {
            foreach (var (method, _) in ((YamlMappingNode)operations).Children)
            {
                documented.Add($"{((YamlScalarNode)method).Value!.ToUpperInvariant()} {((YamlScalarNode)path).Value}");
            }
        }

        var mapped = api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/').Replace("{*", "{", StringComparison.Ordinal)}"))
            .ToList();

        Assert.NotEmpty(mapped);
        Assert.All(mapped, route => Assert.Contains(route, documented));
    }

    [Fact]
    public async Task OpenApi_IsServed_AndSwaggerUiToo()
    {
        using var client = api.CreateClient();

        var yaml = await client.GetStringAsync(new Uri("/openapi.yaml", UriKind.Relative));
        using var docs = await client.GetAsync(new Uri("/docs/index.html", UriKind.Relative));

        Assert.StartsWith("openapi: 3.1.0", yaml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }
}
