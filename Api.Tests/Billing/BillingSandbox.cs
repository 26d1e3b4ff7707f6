using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Platform.Api.Tests.Support;
using Platform.Billing;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Data;
using Platform.Billing.Keys;
using Platform.Billing.Moderation;
using Platform.Billing.Pricing;
using Platform.Billing.Tiers;

namespace Platform.Api.Tests.Billing;

/// <summary>The repositories over one test's own migrated database, with a manual clock and a counter of SQL commands.</summary>
internal sealed class BillingSandbox : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PooledDbContextFactory<PlatformDbContext> _contexts;

    public BillingSandbox(TestDatabase database)
    {
        Database = database;
        var options = PlatformDbContextOptions.Configure(new DbContextOptionsBuilder<PlatformDbContext>(), database.DataSource)
            .AddInterceptors(Commands);
        _contexts = new PooledDbContextFactory<PlatformDbContext>((DbContextOptions<PlatformDbContext>)options.Options);
        var billing = new BillingDatabase(_contexts, Clock);
        Organizations = new OrganizationRepository(billing);
        Projects = new ProjectRepository(billing);
        Tiers = new TierRepository(billing);
        Keys = new ApiKeyRepository(billing, new ApiKeyGenerator(Random));
        Prices = new ModelPriceRepository(billing);
        Audit = new AuditLogRepository(billing);
        ModerationEvents = new ModerationEventRepository(billing);
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public RecordingRandom Random { get; } = new(7);

    public CommandCounter Commands { get; } = new();

    public OrganizationRepository Organizations { get; }

    public ProjectRepository Projects { get; }

    public TierRepository Tiers { get; }

    public ApiKeyRepository Keys { get; }

    public ModelPriceRepository Prices { get; }

    public AuditLogRepository Audit { get; }

    public ModerationEventRepository ModerationEvents { get; }

    public PlatformDbContext NewContext() => _contexts.CreateDbContext();

    /// <summary>An organization and a project on the free tier, for tests about what lives inside them.</summary>
    public async Task<Project> NewProjectAsync(string organization = "Acme", string project = "Default")
    {
        var org = await Organizations.CreateAsync(organization, AuditActor.System);
        var free = await Tiers.GetByNameAsync("free");
        return await Projects.CreateAsync(org.Id, project, free.Id, AuditActor.System);
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditOfAsync(string entityType, long entityId) =>
        (await Audit.ListAsync(new PageRequest(PageRequest.MaxLimit), entityType, entityId)).Items;

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
