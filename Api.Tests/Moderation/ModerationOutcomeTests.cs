using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Moderations;
using Platform.Api.RateLimits;
using Platform.Billing;
using Platform.Billing.Accounts;
using Platform.Billing.Keys;
using Platform.Billing.Moderation;
using Platform.Billing.Tiers;
using Platform.Moderation.Rules;

namespace Platform.Api.Tests.Moderation;

/// <summary>The pass leaves its outcome on the request for usage metering, whatever it decided.</summary>
public sealed class ModerationOutcomeTests
{
    private static readonly RulesClassifier Rules = RulesClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Rules", "moderation-rules.json"));

    [Fact]
    public async Task CheckInput_BlockTierFlaggedInput_OutcomeFlaggedAndBlocked()
    {
        await using var services = Services();
        var context = Context(ModerationMode.Block);

        var reservation = await TokenReservation.ReserveAsync(context, 10);

        var refused = await Assert.ThrowsAsync<ApiException>(() => Pass(services).CheckInputAsync(context, "m", ["hello", "I will kill you"], null, reservation, "messages"));

        Assert.Equal("content_policy_violation", refused.Code);
        var outcome = context.Features.Get<ModerationOutcome>()!;
        Assert.True(outcome.Flagged);
        Assert.True(outcome.Blocked);
        Assert.Contains("harassment/threatening", outcome.Categories);
    }

    [Fact]
    public async Task CheckInput_FlagTierCleanInput_OutcomeNotFlaggedAndNoOutputCheck()
    {
        await using var services = Services();
        var context = Context(ModerationMode.Flag);

        var run = await Pass(services).CheckInputAsync(context, "m", ["What a lovely garden"], null, await TokenReservation.ReserveAsync(context, 10), "messages");

        Assert.False(context.Features.Get<ModerationOutcome>()!.Flagged);
        Assert.Null(run.OutputFilter);
        Assert.Null(run.Report(1));
    }

    [Fact]
    public async Task CheckInput_OffTier_NotCheckedAndNoOutcome()
    {
        await using var services = Services();
        var context = Context(ModerationMode.Off);

        await Pass(services).CheckInputAsync(context, "m", ["I will kill you"], null, await TokenReservation.ReserveAsync(context, 10), "messages");

        Assert.Null(context.Features.Get<ModerationOutcome>());
    }

    private static ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Platform"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=x;Password=x;Timeout=1",
        }).Build();
        return new ServiceCollection().AddLogging().AddBilling(configuration).BuildServiceProvider();
    }

    private static ModerationPass Pass(ServiceProvider services)
    {
        var options = Options.Create(new ModerationOptions());
        var writer = new ModerationEventWriter(services.GetRequiredService<ModerationEventRepository>(), TimeProvider.System, options, NullLogger<ModerationEventWriter>.Instance);
        return new ModerationPass(Rules, writer, options, TimeProvider.System);
    }

    private static DefaultHttpContext Context(ModerationMode mode)
    {
        var now = DateTimeOffset.UtcNow;
        var tier = new Tier(1, "t", new TierLimits(10, 1000, 10000, null, 1, 0, [], mode), now, now);
        var key = new ApiKey(3, 2, "k", "sk-...abcd", [ApiKeyScopes.Inference], now, null, null, null, null, null);
        var context = new DefaultHttpContext();
        context.Features.Set(new ApiKeyFeature(new ApiKeyIdentity(key, new Project(2, 1, "p", 1, now, now), new Organization(1, "o", now, now), tier)));
        return context;
    }
}
