using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Api.RateLimits;
using Platform.Api.Sampling;
using Platform.Api.Tests.Support;
using Platform.Api.WaitingRoom;
using Platform.Inference.Models;

namespace Platform.Api.Tests.Api.Sampling;

[Collection(OrtTests.Name)]
public sealed class CompletionRunnerTests(OrtFixture ort)
{
    [Fact]
    public async Task Stream_ClientGoneBeforeTheHeaders_SettlesTheTokenReservationAndFreesTheCapacity()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", capacity: 2, maxKvTokens: 1000);
        using var registry = new ModelRegistry();
        var services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(registry)
            .AddSingleton(Options.Create(new WaitingRoomOptions()))
            .AddSingleton<WaitingRooms>()
            .AddSingleton<IRateLimitStore>(new InProcessRateLimitStore(TimeProvider.System))
            .AddSingleton<RateLimitGate>()
            .BuildServiceProvider();
        await using var _ = services;
        var limits = new ProjectLimits("p1", 1_000, TokensPerMinute: 100, TokensPerDay: 1_000_000, MaxConcurrentRequests: 10);
        var allowed = new RateLimitResult(true, "requests", 1_000, 999, 0, 0, null);
        using var aborted = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestServices = services, RequestAborted = aborted.Token };
        context.Features.Set(new RateLimitState(limits, allowed, allowed));

        var tokens = await TokenReservation.ReserveAsync(context, 100);
        var admission = await Admission.EnterAsync(context, model, 1, 50, stream: true);
        context.Response.RegisterForDispose(admission);
        var result = await CompletionRunner.RespondAsync<object>(
            tokens, admission, promptTokens: 10, () => 0, stream: true, _ => Task.CompletedTask, () => Task.FromResult(new object()));

        // The client leaves before the response starts: the headers cannot go out, so the body never runs.
        await aborted.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => result.ExecuteAsync(context));

        // Only the 10 prompt tokens were used: the other 90 of the minute's 100 are back.
        var gate = services.GetRequiredService<RateLimitGate>();
        Assert.True((await gate.AdmitCompletionAsync(limits, 90, takeRequest: false, CancellationToken.None)).Granted, "the unused reservation was given back");
        Assert.Equal(0, model.Pool.Load.ReservedSequences);
    }
}
