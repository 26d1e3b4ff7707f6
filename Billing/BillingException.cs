namespace Platform.Billing;

/// <summary>What went wrong with a billing request, in the terms an API maps to a status code.</summary>
public enum BillingErrorKind
{
    /// <summary>The request itself is wrong (400).</summary>
    Invalid,

    /// <summary>An id names nothing (404).</summary>
    NotFound,

    /// <summary>The request clashes with what exists, such as a duplicate name (409).</summary>
    Conflict,
}

/// <summary>A refused billing request. The message is safe to show to the caller; <see cref="Parameter"/> names the field at fault.</summary>
public abstract class BillingException(BillingErrorKind kind, string message, string? parameter, Exception? innerException)
    : Exception(message, innerException)
{
    public BillingErrorKind Kind { get; } = kind;

    public string? Parameter { get; } = parameter;
}

/// <summary>Invalid input, such as a negative limit or an unknown scope.</summary>
public sealed class BillingValidationException(string message, string? parameter = null, Exception? innerException = null)
    : BillingException(BillingErrorKind.Invalid, message, parameter, innerException);

/// <summary>An id that names nothing.</summary>
public sealed class BillingNotFoundException(string message, string? parameter = null, Exception? innerException = null)
    : BillingException(BillingErrorKind.NotFound, message, parameter, innerException);

/// <summary>A duplicate name, or a change that the entity's state forbids (rotating a key twice).</summary>
public sealed class BillingConflictException(string message, string? parameter = null, Exception? innerException = null)
    : BillingException(BillingErrorKind.Conflict, message, parameter, innerException);
