using Npgsql;
using Platform.Billing;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Tiers;

namespace Platform.Api.Auth;

/// <summary>
/// On a first start (no key in the database) makes the first admin key, in organization <c>default</c>, project
/// <c>default</c> on tier <see cref="DefaultTier"/>: the secret of <c>PLATFORM_ADMIN_KEY</c> when it is set (only its
/// hash is stored), otherwise a new one, written to the log once. Runs after the migrations, before Kestrel starts.
/// </summary>
internal sealed partial class AdminKeyBootstrap(
    ApiKeyRepository keys,
    OrganizationRepository organizations,
    ProjectRepository projects,
    TierRepository tiers,
    IConfiguration configuration,
    NpgsqlDataSource database,
    ILogger<AdminKeyBootstrap> logger) : IHostedLifecycleService
{
    public const string Variable = "PLATFORM_ADMIN_KEY";
    public const string DefaultName = "default";
    public const string DefaultTier = "tier-1";
    public const string KeyName = "bootstrap admin";

    /// <summary>Advisory-lock id: replicas starting together on an empty database make one bootstrap key, not one each.</summary>
    private const long BootstrapLock = 0x706c_6174_626f_6f74; // "platboot"

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@id)", connection))
        {
            take.Parameters.AddWithValue("id", BootstrapLock);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await BootstrapAsync(cancellationToken);
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@id)", connection);
            release.Parameters.AddWithValue("id", BootstrapLock);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        var secret = configuration[Variable];
        if (await keys.AnyAsync(cancellationToken))
        {
            if (!string.IsNullOrEmpty(secret) && await keys.FindBySecretAsync(secret, cancellationToken) is null)
            {
                LogAdminKeyIgnored(logger, Variable);
            }

            return;
        }

        var project = await DefaultProjectAsync(cancellationToken);
        var key = new NewApiKey(project.Id, KeyName, [ApiKeyScopes.Owner, ApiKeyScopes.Admin, ApiKeyScopes.Inference]);
        if (!string.IsNullOrEmpty(secret))
        {
            var imported = await keys.ImportAsync(key, secret, AuditActor.System, cancellationToken);
            LogAdminKeyImported(logger, imported.Key.Display, Variable);
            return;
        }

        var created = await keys.CreateAsync(key, AuditActor.System, cancellationToken);
        LogAdminKeyCreated(logger, created.Secret);
    }

    private async Task<Project> DefaultProjectAsync(CancellationToken cancellationToken)
    {
        var all = await organizations.ListAsync(new PageRequest(PageRequest.MaxLimit), cancellationToken);
        var organization = all.Items.FirstOrDefault(o => o.Name == DefaultName)
            ?? await organizations.CreateAsync(DefaultName, AuditActor.System, cancellationToken);
        var existing = await projects.ListAsync(organization.Id, new PageRequest(PageRequest.MaxLimit), cancellationToken);
        if (existing.Items.FirstOrDefault(p => p.Name == DefaultName) is { } project)
        {
            return project;
        }

        var tier = await tiers.GetByNameAsync(DefaultTier, cancellationToken);
        return await projects.CreateAsync(organization.Id, DefaultName, tier.Id, AuditActor.System, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The one place a secret is written to the log, on purpose: nobody could use the server otherwise.
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message =
        "\n==================== BOOTSTRAP ADMIN API KEY (shown once, store it now) ====================\n" +
        "{Secret}\n" +
        "It has the owner, admin and inference scopes (organization 'default', project 'default'). Set PLATFORM_ADMIN_KEY on a first start to choose it instead.\n" +
        "=============================================================================================")]
    private static partial void LogAdminKeyCreated(ILogger logger, string secret);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Bootstrap admin key {Display} stored from {Variable}")]
    private static partial void LogAdminKeyImported(ILogger logger, string display, string variable);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{Variable} is set but ignored: keys exist already, and it is not one of them")]
    private static partial void LogAdminKeyIgnored(ILogger logger, string variable);
}
