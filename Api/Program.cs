using System.Text.Json;
using Platform.Api.Health;
using Platform.Inference;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"]))
{
    // Our default address; ASPNETCORE_URLS, --urls or Urls in configuration replace it.
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

builder.Services.ConfigureHttpJsonOptions(o =>
{
    // OpenAI's wire format is snake_case, and so is everything else we serve.
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
});
builder.Services.AddInference(builder.Configuration);

var app = builder.Build();
app.MapHealth();
app.Run();

/// <summary>Entry point type, visible to the test host.</summary>
public partial class Program;
