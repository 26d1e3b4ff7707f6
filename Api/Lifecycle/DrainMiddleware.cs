namespace Platform.Api.Lifecycle;

/// <summary>
/// For endpoints marked <see cref="DrainConventions.DrainsGracefully{TBuilder}"/>: refuses them with 503 once the
/// replica drains, and otherwise counts them until their response has ended, with a cancellation token that also
/// fires when the drain cuts them. Runs inside the error handler, so refusals become OpenAI error objects.
/// </summary>
internal sealed class DrainMiddleware(RequestDelegate next, Drain drain)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DrainsGracefullyMetadata>() is null)
        {
            await next(context);
            return;
        }

        if (!drain.TryEnter())
        {
            throw Draining.Refuse(context);
        }

        var client = context.RequestAborted;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(client, drain.Cut);
            var lease = new DrainLease(client, drain.Cut);
            context.Features.Set(lease);
            context.RequestAborted = linked.Token;
            try
            {
                await next(context);
            }
            catch (OperationCanceledException) when (lease.WasCut && !context.Response.HasStarted)
            {
                throw Draining.Cut();
            }
            finally
            {
                context.RequestAborted = client;
            }
        }
        finally
        {
            drain.Leave();
        }
    }
}
