namespace Platform.Bench;

/// <summary>One line of the benchmark table: what was measured, the figure, and the target it is held to (if any).</summary>
internal sealed record BenchRow(string Benchmark, string Metric, double Value, string Unit, string Target = "");
