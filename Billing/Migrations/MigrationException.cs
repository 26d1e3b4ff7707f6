namespace Platform.Billing.Migrations;

/// <summary>The database schema cannot be brought up to date; the platform must not start on it.</summary>
public sealed class MigrationException(string message, Exception? innerException = null) : Exception(message, innerException);
