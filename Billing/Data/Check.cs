namespace Platform.Billing.Data;

/// <summary>Input checks shared by the repositories; each failure names the parameter at fault.</summary>
internal static class Check
{
    public const int MaxNameLength = 200;

    public static string Name(string? value, string parameter = "name")
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength || value.Trim().Length != value.Length)
        {
            throw new BillingValidationException(
                $"{parameter} must be 1 to {MaxNameLength} characters, without leading or trailing spaces.", parameter);
        }

        return value;
    }

    public static void Positive(long value, string parameter)
    {
        if (value <= 0)
        {
            throw new BillingValidationException($"{parameter} must be positive.", parameter);
        }
    }

    public static BillingNotFoundException NotFound(string entity, long id, string parameter = "id") =>
        new($"No {entity} has id {id}.", parameter);
}
