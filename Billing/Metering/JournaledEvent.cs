namespace Platform.Billing.Metering;

/// <summary>A usage event on its way to the writer, with the journal segment it was written to (0: none).</summary>
internal readonly record struct JournaledEvent(UsageEvent Event, long Segment);
