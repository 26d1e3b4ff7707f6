namespace Platform.Api.Tests.Billing;

/// <summary>Base of the tests that need the schema: each test runs against a database of its own.</summary>
public abstract class BillingDatabaseTest(MigratedTemplate template) : IClassFixture<MigratedTemplate>, IAsyncLifetime
{
    private BillingSandbox? _billing;

    internal BillingSandbox Billing => _billing ?? throw new InvalidOperationException("The test database is not ready.");

    public async Task InitializeAsync() => _billing = await template.CreateSandboxAsync();

    public async Task DisposeAsync()
    {
        if (_billing is not null)
        {
            await _billing.DisposeAsync();
        }
    }
}
