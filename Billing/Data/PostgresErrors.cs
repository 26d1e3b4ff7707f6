using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Platform.Billing.Data;

/// <summary>
/// Turns the database's refusals into billing exceptions. Uniqueness is left to the database (a check before the
/// insert would race), so a duplicate name arrives here as a unique violation named by its constraint.
/// </summary>
internal static class PostgresErrors
{
    private static readonly FrozenDictionary<string, (string Message, string Parameter)> Conflicts = new Dictionary<string, (string, string)>
    {
        ["organizations_name_key"] = ("An organization with this name already exists.", "name"),
        ["projects_organization_id_name_key"] = ("The organization already has a project with this name.", "name"),
        ["tiers_name_key"] = ("A tier with this name already exists.", "name"),
        ["model_prices_model_effective_from_key"] = ("The model already has a price from this instant.", "effective_from"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static BillingException? Translate(DbUpdateException exception) =>
        exception.InnerException is PostgresException postgres ? Translate(postgres, exception) : null;

    private static BillingException? Translate(PostgresException postgres, DbUpdateException exception) => postgres.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation when postgres.ConstraintName is { } name && Conflicts.TryGetValue(name, out var conflict) =>
            new BillingConflictException(conflict.Message, conflict.Parameter, exception),
        PostgresErrorCodes.ForeignKeyViolation =>
            new BillingNotFoundException("A referenced entity does not exist.", postgres.ColumnName, exception),
        PostgresErrorCodes.CheckViolation =>
            new BillingValidationException($"The value breaks the rule {postgres.ConstraintName}.", postgres.ColumnName, exception),
        _ => null,
    };
}
