namespace Platform.Billing.Data;

/// <summary>A row with an identity key: ids grow with creation, which is what cursor pagination relies on.</summary>
internal interface IRow
{
    long Id { get; }
}
