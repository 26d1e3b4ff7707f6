using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Observability;
using Platform.Api.RateLimits;
using Platform.Billing.Moderation;
using Platform.Billing.Tiers;
using Platform.Moderation;

namespace Platform.Api.Moderations;

/// <summary>
/// The policy every chat and text completion passes before it reaches the engine. The tier's mode decides: <c>off</c>
/// (not checked), <c>flag</c> (served and recorded) or <c>block</c> (400 <c>content_policy_violation</c>, recorded). A
/// request's <c>moderation</c> field may ask for more (scores in the response, blocking), never for less than its tier.
/// </summary>
internal sealed class ModerationPass(ITextClassifier classifier, ModerationEventWriter events, IOptions<ModerationOptions> options, TimeProvider time)
{
    private readonly ModerationOptions _options = options.Value;

    public ITextClassifier Classifier => classifier;

    /// <summary>
    /// Checks the input texts (one per message or prompt). A refused request gives back its token reservation first,
    /// since no engine work will be done.
    /// </summary>
    public async Task<ModerationRun> CheckInputAsync(
        HttpContext context, string model, IReadOnlyList<string> inputs, ModerationRequest? requested, TokenReservation reservation, string param)
    {
        using var span = ApiTracing.Source.StartActivity("moderation");
        try
        {
            return await CheckAsync(context, model, inputs, requested, reservation, param);
        }
        catch
        {
            // A bad moderation model name or a failing classifier ends the request as surely as a refusal does.
            await reservation.SettleAsync(0);
            throw;
        }
    }

    private async Task<ModerationRun> CheckAsync(
        HttpContext context, string model, IReadOnlyList<string> inputs, ModerationRequest? requested, TokenReservation reservation, string param)
    {
        var mode = context.FindApiKey()?.Identity.Tier.Limits.ModerationMode ?? ModerationMode.Off;
        if (requested is not null)
        {
            ModerationModelNames.Check(classifier, requested.Model, $"{ModerationRequest.Param}.model");
        }

        if (mode == ModerationMode.Off && requested is null)
        {
            return ModerationRun.Unchecked;
        }

        var outcome = new ModerationOutcome();
        context.Features.Set(outcome);
        var results = inputs.Select(classifier.Classify).ToList();
        var flagged = results.FindIndex(r => r.Flagged);
        var block = flagged >= 0 && (mode == ModerationMode.Block || requested?.Input == RequestedMode.Block);
        if (flagged >= 0)
        {
            var combined = results.Aggregate(ModerationResult.Combine);
            outcome.Add(combined.FlaggedCategories, blocked: block);
            if (mode != ModerationMode.Off)
            {
                Record(context, model, "input", block ? "blocked" : "flagged", combined, inputs[flagged]);
            }
        }

        if (block)
        {
            await reservation.SettleAsync(0);
            var categories = results.Aggregate(ModerationResult.Combine).FlaggedCategories;
            throw new ApiException(
                StatusCodes.Status400BadRequest,
                $"Your request was rejected by the content policy: the input was flagged for {string.Join(", ", categories)}.",
                "invalid_request_error",
                param,
                "content_policy_violation");
        }

        var checkOutput = requested is not null || (mode != ModerationMode.Off && _options.CheckOutput);
        var cutOutput = requested?.Output == RequestedMode.Block || (mode == ModerationMode.Block && _options.CheckOutput);
        return new ModerationRun(
            this,
            context,
            model,
            results,
            checkOutput,
            cutOutput,
            recordOutput: mode != ModerationMode.Off,
            report: requested is not null,
            outcome);
    }

    /// <summary>Queues a flagged event for the database; never waits and never fails the request.</summary>
    public void Record(HttpContext context, string model, string source, string action, ModerationResult result, string text)
    {
        if (context.FindApiKey() is not { } key)
        {
            return;
        }

        var excerpt = text.Length > _options.ExcerptLength ? text[.._options.ExcerptLength] : text;
        events.TryEnqueue(new NewModerationEvent(
            RequestIdMiddleware.Get(context),
            key.Identity.Project.Id,
            key.KeyId,
            model,
            source,
            action,
            result.FlaggedCategories,
            ModerationCategories.All.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => result.Scores[x.i], StringComparer.Ordinal),
            result.Matched,
            excerpt,
            time.GetUtcNow()));
    }
}

/// <summary>Resolves the pass from the request's services, so endpoints call it in one line.</summary>
internal static class ModerationPassExtensions
{
    public static Task<ModerationRun> ModerateInputAsync(
        this HttpContext context, string model, IReadOnlyList<string> inputs, ModerationRequest? requested, TokenReservation reservation, string param) =>
        context.RequestServices.GetRequiredService<ModerationPass>().CheckInputAsync(context, model, inputs, requested, reservation, param);
}
