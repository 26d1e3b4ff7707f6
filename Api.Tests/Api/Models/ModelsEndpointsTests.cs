using System.Net;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Models;

[Collection(ApiTests.Name)]
public sealed class ModelsEndpointsTests(ApiFixture api)
{
    [Fact]
    public async Task List_And_Get_MatchTheOfficialSchemas()
    {
        using var client = api.CreateClient();

        var list = await client.GetStringAsync(new Uri("/v1/models", UriKind.Relative));
        using var one = await client.GetAsync(new Uri("/v1/models/tiny-random-llama", UriKind.Relative));
        var model = await one.Content.ReadAsStringAsync();

        Assert.Empty(OpenAiSchemas.Official.Validate("ListModelsResponse", list));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Empty(OpenAiSchemas.Official.Validate("Model", model));
        Assert.Contains("\"id\":\"tiny-random-llama\"", model, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Unknown_ErrorMatchesTheOfficialSchema()
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync(new Uri("/v1/models/nope", UriKind.Relative));
        Assert.Empty(OpenAiSchemas.Official.Validate("ErrorResponse", await response.Content.ReadAsStringAsync()));
    }
}
