using Microsoft.Extensions.Hosting;

namespace Platform.Billing.Migrations;

/// <summary>
/// Migrates in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host runs before any hosted service
/// starts, the web server included: no request is served on an old schema, and a failure stops start-up.
/// </summary>
internal sealed class MigrationHostedService(MigrationRunner runner) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => runner.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
