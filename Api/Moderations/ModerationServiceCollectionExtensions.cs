using Microsoft.Extensions.Options;
using Platform.Inference.Models;
using Platform.Moderation;
using Platform.Moderation.Rules;

namespace Platform.Api.Moderations;

internal static class ModerationServiceCollectionExtensions
{
    /// <summary>
    /// Options (validated at start-up, including that the rules file loads), the classifier, the pass and the
    /// background writer of flagged events.
    /// </summary>
    public static IServiceCollection AddModeration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModerationOptions>()
            .Bind(configuration.GetSection(ModerationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModerationOptions>, ModerationOptionsValidator>();
        services.AddSingleton<ITextClassifier>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ModerationOptions>>().Value;
            return string.IsNullOrEmpty(options.OnnxClassifierDirectory)
                ? RulesClassifier.Load(options.ResolveRulesPath())
                : new LazyOnnxClassifier(options.OnnxClassifierDirectory, sp.GetRequiredService<ModelRegistry>());
        });
        services.AddSingleton<ModerationEventWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ModerationEventWriter>());
        services.AddSingleton<ModerationPass>();
        return services;
    }
}

/// <summary>A rules file that is missing or malformed stops start-up with its problem, not the first request.</summary>
internal sealed class ModerationOptionsValidator : IValidateOptions<ModerationOptions>
{
    public ValidateOptionsResult Validate(string? name, ModerationOptions options)
    {
        if (!string.IsNullOrEmpty(options.OnnxClassifierDirectory))
        {
            return Directory.Exists(options.OnnxClassifierDirectory)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Moderation:OnnxClassifierDirectory '{options.OnnxClassifierDirectory}' does not exist.");
        }

        try
        {
            RulesClassifier.Load(options.ResolveRulesPath());
            return ValidateOptionsResult.Success;
        }
        catch (ModerationRulesException ex)
        {
            return ValidateOptionsResult.Fail($"Moderation:RulesPath: {ex.Message}");
        }
    }
}
