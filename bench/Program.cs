using System.Globalization;
using System.Text;
using Platform.Bench;
using Platform.Inference.Native;
using Platform.Inference.Synthetic;

// Usage: dotnet run -c Release --project bench [-- --shared ../shared --out bench/out] [-- --only metering]
var shared = Argument("--shared") ?? Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), "..", "shared"));
var output = Argument("--out") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench", "out");
Directory.CreateDirectory(output);

using var runtime = OrtRuntime.Load(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1"));
var rows = new List<BenchRow>();
if (Argument("--only") == "metering")
{
    // Metering alone (it needs only Postgres), e.g. to check its figures quickly; the table is printed, not written.
    rows.AddRange(await MeteringBenchmark.RunAsync());
    rows.ForEach(r => Console.WriteLine($"| {r.Benchmark} | {r.Metric} | {r.Value:#,0.##} | {r.Unit} | {r.Target} |"));
    return;
}

rows.AddRange(TemplateBenchmark.Run(Path.Combine(shared, "reference", "chat-templates")));
rows.AddRange(TokenizerBenchmark.Run(Path.Combine(shared, "models")));
rows.AddRange(new EngineBenchmark(runtime, "tiny-random-llama", Path.Combine(shared, "models", "tiny-random-llama")).Run());
rows.AddRange(new EngineBenchmark(runtime, "synthetic-10M", SyntheticModel(SyntheticModelSpec.Bench10M, "synthetic-10m")).Run());
rows.AddRange(new EngineBenchmark(runtime, "synthetic-100M", SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m")).Run());
rows.AddRange(await LimitsBenchmark.RunAsync());
rows.AddRange(await MeteringBenchmark.RunAsync());
rows.AddRange(await new HttpBenchmark(new Dictionary<string, string>
{
    ["tiny-random-llama"] = Path.Combine(shared, "models", "tiny-random-llama"),
    ["synthetic-100m"] = SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m"),
}).RunAsync());

var table = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"ONNX Runtime {runtime.Version} (CPU), {Environment.ProcessorCount} cores, .NET {Environment.Version}")
    .AppendLine()
    .AppendLine("| Benchmark | Metric | Value | Unit | Target |")
    .AppendLine("|---|---|---:|---|---|");
foreach (var row in rows)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"| {row.Benchmark} | {row.Metric} | {row.Value:#,0.##} | {row.Unit} | {row.Target} |");
}

Console.Write(table);
File.WriteAllText(Path.Combine(output, "results.md"), table.ToString());
return;

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

// Bench models are written once and reused; they are generated files, never committed.
string SyntheticModel(SyntheticModelSpec spec, string name)
{
    var directory = Path.Combine(output, "models", name);
    if (!File.Exists(Path.Combine(directory, "genai_config.json")))
    {
        SyntheticModelWriter.Write(directory, spec);
    }

    return directory;
}
