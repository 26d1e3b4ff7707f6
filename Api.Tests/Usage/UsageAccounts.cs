using Microsoft.Extensions.DependencyInjection;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Tiers;

namespace Platform.Api.Tests.Usage;

/// <summary>A key made for a usage test, with the ids its events carry.</summary>
internal sealed record TestKey(string Secret, long KeyId, long ProjectId, long OrganizationId);

/// <summary>Organizations, projects and keys for usage tests, made through the app's own repositories, on a tier whose limits never get in the way.</summary>
internal static class UsageAccounts
{
    public static async Task<long> UnlimitedTierAsync(IServiceProvider services)
    {
        var tiers = services.GetRequiredService<TierRepository>();
        var limits = new TierLimits(1_000_000, 10_000_000_000, 100_000_000_000, null, 10_000, 100, []);
        return (await tiers.CreateAsync($"metering-{Guid.NewGuid():N}"[..30], limits, AuditActor.System)).Id;
    }

    public static async Task<long> OrganizationAsync(IServiceProvider services) =>
        (await services.GetRequiredService<OrganizationRepository>().CreateAsync($"usage-{Guid.NewGuid():N}", AuditActor.System)).Id;

    /// <summary><paramref name="projects"/> projects of <paramref name="organizationId"/> with <paramref name="keysPerProject"/> keys each.</summary>
    public static async Task<List<TestKey>> KeysAsync(IServiceProvider services, long organizationId, long tierId, int projects, int keysPerProject, params string[] scopes)
    {
        var projectRepository = services.GetRequiredService<ProjectRepository>();
        var keyRepository = services.GetRequiredService<ApiKeyRepository>();
        var keys = new List<TestKey>();
        for (var p = 0; p < projects; p++)
        {
            var project = await projectRepository.CreateAsync(organizationId, $"p{p}-{Guid.NewGuid():N}", tierId, AuditActor.System);
            for (var k = 0; k < keysPerProject; k++)
            {
                var created = await keyRepository.CreateAsync(new NewApiKey(project.Id, $"k{k}", scopes.Length == 0 ? [ApiKeyScopes.Inference] : scopes), AuditActor.System);
                keys.Add(new TestKey(created.Secret, created.Key.Id, project.Id, organizationId));
            }
        }

        return keys;
    }
}
