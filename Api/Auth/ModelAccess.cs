namespace Platform.Api.Auth;

/// <summary>
/// A tier may name the models it allows (none named = all). To a key whose tier does not allow a model, that
/// model does not exist, as OpenAI answers for models an account cannot use.
/// </summary>
internal static class ModelAccess
{
    public static bool AllowsModel(this HttpContext context, string model) =>
        context.FindApiKey()?.Identity.Tier.Limits.AllowsModel(model) ?? true;
}
