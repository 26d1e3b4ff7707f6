using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api.Tests.Support;
using Platform.Billing.Migrations;

namespace Platform.Api.Tests.Billing;

/// <summary>
/// A database migrated once per test class; each test gets a copy of it (CREATE DATABASE ... TEMPLATE), so every
/// test starts from a freshly migrated schema without paying for the migrations again.
/// </summary>
public sealed class MigratedTemplate : IAsyncLifetime
{
    private TestDatabase? _template;

    public async Task InitializeAsync()
    {
        _template = await TestDatabase.CreateAsync("platform_tpl");
        await new MigrationRunner(_template.DataSource, MigrationScripts.Embedded(), NullLogger<MigrationRunner>.Instance).MigrateAsync();
        await _template.CloseConnectionsAsync();
    }

    internal async Task<BillingSandbox> CreateSandboxAsync() =>
        new(await TestDatabase.CreateAsync("platform_test", _template?.Name ?? throw new InvalidOperationException("The template was not created.")));

    public async Task DisposeAsync()
    {
        if (_template is not null)
        {
            await _template.DisposeAsync();
        }
    }
}
