using System.Diagnostics;
using Platform.Inference.Engine;

namespace Platform.Bench;

/// <summary>
/// Widening one fp16 logits row (tiny-random-llama's 32,000 entries) to fp32, as every decode step of an fp16 model
/// does: our vectorised <see cref="LogitsMath.ToSingle"/> against a loop over <c>(float)Half</c> and a loop over
/// ONNX Runtime's <c>Float16.ToFloat()</c>, the type its managed API takes for fp16. The three run interleaved, and
/// all three must agree bit for bit before anything is timed.
/// </summary>
internal static class Fp16Benchmark
{
    private const int Vocabulary = 32_000;
    private const int Rounds = 15;
    private const int RowsPerRound = 200;

    public static IEnumerable<BenchRow> Run()
    {
        var random = new Random(16);
        var row = new Half[Vocabulary];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = (Half)((random.NextSingle() * 40f) - 20f);
        }

        var ours = new float[Vocabulary];
        var half = new float[Vocabulary];
        var ort = new float[Vocabulary];
        LogitsMath.ToSingle(row, ours);
        HalfLoop(row, half);
        OrtLoop(row, ort);
        if (!ours.AsSpan().SequenceEqual(half) || !ours.AsSpan().SequenceEqual(ort))
        {
            throw new InvalidOperationException("The three fp16 conversions disagree.");
        }

        var times = new List<double>[] { [], [], [] };
        for (var round = 0; round < Rounds; round++)
        {
            times[0].Add(Time(() => LogitsMath.ToSingle(row, ours)));
            times[1].Add(Time(() => HalfLoop(row, half)));
            times[2].Add(Time(() => OrtLoop(row, ort)));
        }

        var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
        const string Name = "fp16 logits row (32,000 entries) to fp32";
        return
        [
            new BenchRow(Name, $"LogitsMath.ToSingle (ours, vectorised), median of {Rounds} rounds", medians[0], "µs"),
            new BenchRow(Name, "loop over (float)Half, same rounds", medians[1], "µs"),
            new BenchRow(Name, "loop over ONNX Runtime's Float16.ToFloat(), same rounds", medians[2], "µs"),
            new BenchRow(Name, "Float16.ToFloat() loop over ours", medians[2] / medians[0], "x"),
        ];
    }

    private static double Time(Action convert)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < RowsPerRound; i++)
        {
            convert();
        }

        return clock.Elapsed.TotalMicroseconds / RowsPerRound;
    }

    private static void HalfLoop(Half[] source, float[] destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (float)source[i];
        }
    }

    // Float16 shares Half's bits; the API hands fp16 tensor data out as Float16 spans.
    private static void OrtLoop(Half[] source, float[] destination)
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<Half, Microsoft.ML.OnnxRuntime.Float16>(source);
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = values[i].ToFloat();
        }
    }
}
