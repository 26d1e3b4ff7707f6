using System.Globalization;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Metering;
using Platform.Api.Observability;
using Platform.Billing.Accounts;

namespace Platform.Api.Budgets;

/// <summary>
/// USD a request holds against its project's monthly budget: admitted at the prompt plus the maximum completion
/// tokens, priced, before generation; settled when the request has ended (streams included, whatever the outcome)
/// with the cost of what its usage event records. Projects without a budget reserve nothing and cost no work.
/// </summary>
internal sealed class BudgetReservation : IAsyncDisposable
{
    private readonly BudgetLedger _ledger;
    private readonly HttpContext _context;
    private readonly Project _project;
    private readonly DateTimeOffset _month;
    private readonly decimal _reserved;
    private readonly PriceBook _prices;

    private BudgetReservation(BudgetLedger ledger, HttpContext context, Project project, DateTimeOffset month, decimal reserved, PriceBook prices)
    {
        _ledger = ledger;
        _context = context;
        _project = project;
        _month = month;
        _reserved = reserved;
        _prices = prices;
    }

    /// <summary>Refuses with 429 <c>insufficient_quota</c> (no Retry-After: waiting does not help) when the budget cannot hold the request.</summary>
    public static async Task ReserveAsync(HttpContext context, string model, long promptTokens, long maxCompletionTokens)
    {
        if (context.FindApiKey()?.Identity.Project is not { MonthlyBudgetUsd: { } budget } project)
        {
            return;
        }

        var ledger = context.RequestServices.GetRequiredService<BudgetLedger>();
        var prices = await ledger.PricesAsync(context.RequestAborted);
        var startedAt = context.Usage()?.StartedAt ?? ledger.Now;
        var cost = prices.Cost(context.Usage()?.Model ?? model, startedAt, promptTokens, 0, maxCompletionTokens);
        var (admitted, spent, month) = await ledger.TryReserveAsync(project.Id, budget, cost, context.RequestAborted);
        if (!admitted)
        {
            context.RequestServices.GetRequiredService<RequestMetrics>().RateLimited("budget");
            throw new ApiException(
                StatusCodes.Status429TooManyRequests,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"You exceeded your current quota: this request (up to ${cost:0.######}) does not fit in the project's monthly budget of ${budget:0.######} (monthly_budget_usd), of which ${spent:0.######} is spent or held this month. Please raise the budget or wait until next month."),
                "insufficient_quota",
                null,
                "insufficient_quota");
        }

        context.Response.RegisterForDisposeAsync(new BudgetReservation(ledger, context, project, month, cost, prices));
    }

    /// <summary>Runs when the request is over, so the usage the metering records is complete.</summary>
    public async ValueTask DisposeAsync()
    {
        var usage = _context.Usage();
        var startedAt = usage?.StartedAt ?? _ledger.Now;
        var cost = usage is null ? 0m : _prices.Cost(usage.Model, startedAt, usage.PromptTokens, usage.CachedPromptTokens, usage.CompletionTokens);
        await _ledger.SettleAsync(_project, _month, _reserved, startedAt, cost);
    }
}
