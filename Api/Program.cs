using System.Text.Json;
using Platform.Api.Health;
using Platform.Inference;

var builder = WebApplication.CreateBuilder(args);
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
