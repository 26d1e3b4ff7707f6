namespace Platform.Billing.Reports;

/// <summary>A report's time bucket: <c>1m</c>, <c>1h</c> or <c>1d</c>.</summary>
public sealed record BucketWidth(string Name, TimeSpan Length)
{
    public static readonly BucketWidth Minute = new("1m", TimeSpan.FromMinutes(1));
    public static readonly BucketWidth Hour = new("1h", TimeSpan.FromHours(1));
    public static readonly BucketWidth Day = new("1d", TimeSpan.FromDays(1));

    public static BucketWidth? Parse(string? name) => name switch
    {
        "1m" => Minute,
        "1h" => Hour,
        "1d" => Day,
        _ => null,
    };
}
