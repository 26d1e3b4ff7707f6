using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Billing;

/// <summary>A missing or malformed connection string fails start-up, not the first request.</summary>
internal sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "ConnectionStrings:Platform is not set: give it an Npgsql connection string (./run.sh starts a local Postgres and sets it).");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return string.IsNullOrEmpty(builder.Host)
                ? ValidateOptionsResult.Fail("ConnectionStrings:Platform names no Host.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword; the connection string itself may hold a password and is not echoed.
            return ValidateOptionsResult.Fail($"ConnectionStrings:Platform is not a valid Npgsql connection string: {ex.Message}");
        }
    }
}
