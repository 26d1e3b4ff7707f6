using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Inference;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>The engine: options (validated at start-up), the model registry and the start-up that fills it.</summary>
    public static IServiceCollection AddInference(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InferenceOptions>()
            .Bind(configuration.GetSection(InferenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(new SeedSource(new Random()));
        services.AddMetrics();
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<ModelLoader>();
        services.AddSingleton<ExecutionProviderSelector>();
        services.AddHostedService<InferenceStartup>();
        return services;
    }
}
