namespace Platform.Api.Budgets;

internal static class BudgetServiceCollectionExtensions
{
    /// <summary>Projects' monthly USD budgets, checked on the completion endpoints (see <see cref="BudgetReservation"/>).</summary>
    public static IServiceCollection AddBudgets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BudgetOptions>()
            .Bind(configuration.GetSection(BudgetOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<BudgetLedger>();
        return services;
    }
}
