using System.Globalization;
using System.Text;
using Platform.Bench;
using Platform.Inference.Ort;
using Platform.Inference.Synthetic;

// Usage: dotnet run -c Release --project bench [-- --shared ../shared --out bench/out] [-- --only metering]
var shared = Argument("--shared") ?? Path.GetFullPath(Path.Combine(Directory.GetCurrentDirectory(), "..", "shared"));
var output = Argument("--out") ?? Path.Combine(Directory.GetCurrentDirectory(), "bench", "out");
Directory.CreateDirectory(output);

using var runtime = OrtRuntime.Create();
// --only engine,batching (template, moderation, tokenizer, engine, fp16, genai, batching, kv-admission, prefix-cache, constraints, limits, auth, metering, http, overload) runs some benchmarks; the default runs all.
// --overload-seconds N sets the overload run's length (default 60).
var only = Argument("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
bool Runs(string name) => only is null || only.Contains(name, StringComparer.OrdinalIgnoreCase);
var rows = new List<BenchRow>();
if (Runs("template"))
{
    rows.AddRange(TemplateBenchmark.Run(Path.Combine(shared, "reference", "chat-templates")));
}

if (Runs("moderation"))
{
    rows.AddRange(ModerationBenchmark.Run());
}

if (Runs("tokenizer"))
{
    rows.AddRange(TokenizerBenchmark.Run(Path.Combine(shared, "models")));
}

if (Runs("engine"))
{
    rows.AddRange(new EngineBenchmark(runtime, "tiny-random-llama", Path.Combine(shared, "models", "tiny-random-llama")).Run());
    rows.AddRange(new EngineBenchmark(runtime, "synthetic-10M", SyntheticModel(SyntheticModelSpec.Bench10M, "synthetic-10m")).Run());
    rows.AddRange(new EngineBenchmark(runtime, "synthetic-100M", SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m")).Run());
}

if (Runs("fp16"))
{
    rows.AddRange(Fp16Benchmark.Run());
}

if (Runs("genai"))
{
    // The yardstick: ONNX Runtime GenAI on the same folders, interleaved with ours in this run.
    var greedy = Path.Combine(shared, "reference", "greedy-vectors.json");
    rows.AddRange(new GenAiBenchmark(runtime, "tiny-random-llama", Path.Combine(shared, "models", "tiny-random-llama"), greedy).Run());
    rows.AddRange(new GenAiBenchmark(runtime, "tiny-random-gpt2", Path.Combine(shared, "models", "tiny-random-gpt2"), greedy).Run());
    rows.AddRange(new GenAiBenchmark(runtime, "synthetic-100M", SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m"), null).Run());
}

if (Runs("batching"))
{
    // The default step budget (2048 tokens shared by decode and prefill: 32 arriving prompts of 32 tokens are
    // prefilled together), then the old 512 for comparison (the second half of 32 prompts is prefilled while the
    // first half decodes, a stall every running stream sees).
    var model100M = SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m");
    rows.AddRange(new BatchingBenchmark(runtime, "synthetic-100M", model100M, maxTokensPerStep: 2048, [1, 4, 16, 32]).Run());
    rows.AddRange(new BatchingBenchmark(runtime, "synthetic-100M", model100M, maxTokensPerStep: 512, [1, 32]).Run());
}

if (Runs("kv-admission"))
{
    rows.AddRange(new KvAdmissionBenchmark(runtime, "synthetic-100M", SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m")).Run());
}

if (Runs("prefix-cache"))
{
    rows.AddRange(new PrefixCacheBenchmark(runtime, "synthetic-100M", SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m")).Run());
}

if (Runs("constraints"))
{
    rows.AddRange(new ConstraintBenchmark(runtime, Path.Combine(shared, "models")).Run());
}

if (Runs("limits"))
{
    rows.AddRange(await LimitsBenchmark.RunAsync());
}

if (Runs("auth"))
{
    rows.AddRange(await AuthFloodBenchmark.RunAsync());
}

if (Runs("metering"))
{
    rows.AddRange(await MeteringBenchmark.RunAsync());
}

if (Runs("http"))
{
    rows.AddRange(await new HttpBenchmark(new Dictionary<string, string>
    {
        ["tiny-random-llama"] = Path.Combine(shared, "models", "tiny-random-llama"),
        ["synthetic-100m"] = SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m"),
    }).RunAsync());
}

if (Runs("overload"))
{
    var seconds = double.Parse(Argument("--overload-seconds") ?? "60", CultureInfo.InvariantCulture);
    rows.AddRange(await new OverloadBenchmark(SyntheticModel(SyntheticModelSpec.Bench100M, "synthetic-100m"), TimeSpan.FromSeconds(seconds)).RunAsync());
}

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
File.WriteAllText(Path.Combine(output, only is null ? "results.md" : $"results-{string.Join('-', only)}.md"), table.ToString());
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
