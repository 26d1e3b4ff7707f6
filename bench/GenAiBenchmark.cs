using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;
using GenAi = Microsoft.ML.OnnxRuntimeGenAI;

namespace Platform.Bench;

/// <summary>
/// Our engine against ONNX Runtime GenAI (the engine a C# user would otherwise pick) on the same model folder, in
/// the same process and run: batch-1 greedy decode of 128 new tokens from the same prompt ids, the two alternating
/// round by round so drift on a shared machine hits both, with a bare <c>Run</c> loop on our session as a third
/// (which splits a gap into what the engine adds and what the managed API's <c>Run</c> costs against GenAI's native
/// loop); GenAI's greedy tokens against ours on every prompt of greedy-vectors.json; and what each decoder makes of a
/// stray byte-fallback token.
/// </summary>
internal sealed class GenAiBenchmark(OrtRuntime runtime, string label, string modelDirectory, string? greedyVectors)
{
    private const int NewTokens = 128;
    private const int PromptTokens = 16;
    // Rounds go on until both bounds are met: a round of a tiny model lasts ~30 ms, and its medians move by 10%
    // from run to run at 9 rounds on this shared machine; one of the 100M model lasts ~6 s.
    private const int MinimumRounds = 9;
    private const int MaximumRounds = 201;
    private static readonly TimeSpan RoundsFor = TimeSpan.FromSeconds(15);

    public IEnumerable<BenchRow> Run()
    {
        var name = $"vs GenAI {label}";
        var options = new InferenceOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 0 };
        using var ours = new ModelLoader(NullLoggerFactory.Instance).Load(modelDirectory, runtime, options, useCuda: false, () => 1);
        using var theirs = new GenAi.Model(modelDirectory);
        // Ids inside the model's own vocabulary (tiny-random-gpt2's tokenizer knows more words than its 1,000 logits).
        var vocabulary = ours.Pool.Signature.VocabularySize;
        var prompt = Enumerable.Range(0, PromptTokens).Select(i => (i * 7919 % (vocabulary - 10)) + 3).ToArray();

        Ours(ours, prompt, 8);
        Theirs(theirs, prompt, 8);
        BareRunLoop.Run(ours, prompt, 8);
        var rounds = new List<(double Ours, double Theirs, double Bare)>();
        var clock = Stopwatch.StartNew();
        while (rounds.Count < MinimumRounds || (clock.Elapsed < RoundsFor && rounds.Count < MaximumRounds))
        {
            rounds.Add((
                Timed(() => Ours(ours, prompt, NewTokens)),
                Timed(() => Theirs(theirs, prompt, NewTokens)),

                // The prefill gives the first token, so NewTokens - 1 decode steps make the same request.
                BareRunLoop.Run(ours, prompt, NewTokens - 1).TotalSeconds));
        }

        var rows = new List<BenchRow>
        {
            new(name, $"ours: batch 1, greedy, {NewTokens} new tokens (median of {rounds.Count} interleaved rounds)", Median(rounds.Select(r => NewTokens / r.Ours)), "tokens/s"),
            new(name, $"ONNX Runtime GenAI 0.18.0: the same", Median(rounds.Select(r => NewTokens / r.Theirs)), "tokens/s"),
            new(name, "ours / GenAI (median of the per-round ratios)", Median(rounds.Select(r => r.Theirs / r.Ours)), "x", ">= 1.0x"),
            new(name, "bare Run loop on our session (no engine; same rounds)", Median(rounds.Select(r => NewTokens / r.Bare)), "tokens/s"),
            new(name, "bare Run loop / GenAI: where the managed API itself stands", Median(rounds.Select(r => r.Theirs / r.Bare)), "x"),
            new(name, "ours / bare Run loop: what the engine costs", Median(rounds.Select(r => r.Bare / r.Ours)), "x"),
        };

        if (greedyVectors is not null)
        {
            var (equal, total, matchReference) = CompareGreedy(ours, theirs, greedyVectors);
            rows.Add(new BenchRow(name, $"GenAI's greedy tokens equal to ours (greedy-vectors.json, {total} prompts)", equal, $"of {total}", $"{total} of {total}"));
            rows.Add(new BenchRow(name, "ours equal to the reference vectors", matchReference, $"of {total}", $"{total} of {total}"));
        }

        if (ours.Tokenizer.TokenToId("<0xE2>") is { } stray)
        {
            int[] ids = [.. ours.Tokenizer.Encode("Hello", addSpecialTokens: false), stray, .. ours.Tokenizer.Encode("world, again", addSpecialTokens: false)];
            using var tokenizer = new GenAi.Tokenizer(theirs);
            rows.Add(new BenchRow(name, "stray <0xE2> byte token: characters decoded after it, ours (' world, again' = 13)", After(ours.Tokenizer.Decode(ids)), "chars", "13"));
            rows.Add(new BenchRow(name, "stray <0xE2> byte token: characters decoded after it, GenAI", After(tokenizer.Decode(ids)), "chars"));
        }

        return rows;
    }

    /// <summary>Characters after "Hello" and the byte's stand-in (U+FFFD when kept); 0 when the text stops at the byte.</summary>
    private static int After(string text)
    {
        var at = text.IndexOf("Hello", StringComparison.Ordinal);
        return at < 0 || text.Length <= at + 6 ? 0 : text.Length - (at + 6);
    }

    private static (int Equal, int Total, int MatchReference) CompareGreedy(LoadedModel ours, GenAi.Model theirs, string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.GetProperty("models").TryGetProperty(ours.Name, out var vectors))
        {
            return (0, 0, 0);
        }

        var (equal, total, matchReference) = (0, 0, 0);
        foreach (var vector in vectors.EnumerateArray())
        {
            var prompt = vector.GetProperty("prompt_ids").Deserialize<int[]>()!;
            var reference = vector.GetProperty("generated_ids").Deserialize<int[]>()!;
            var mine = Ours(ours, prompt, reference.Length);
            var genAi = Theirs(theirs, prompt, reference.Length);
            total++;
            equal += mine.SequenceEqual(genAi) ? 1 : 0;
            matchReference += mine.SequenceEqual(reference) ? 1 : 0;
        }

        return (equal, total, matchReference);
    }

    private static int[] Ours(LoadedModel model, int[] prompt, int tokens)
    {
        var request = new GenerationRequest(prompt, new GenerationOptions { MaxTokens = tokens, Temperature = 0f, IgnoreEos = true });
        return Task.Run(async () =>
        {
            var generated = new List<int>(tokens);
            await foreach (var token in model.Pool.GenerateAsync(request))
            {
                generated.Add(token.TokenId);
            }

            return generated.ToArray();
        }).GetAwaiter().GetResult();
    }

    /// <summary>GenAI's own loop: greedy (no sampling), exactly <paramref name="tokens"/> new tokens (EOS does not stop it early).</summary>
    private static int[] Theirs(GenAi.Model model, int[] prompt, int tokens)
    {
        using var parameters = new GenAi.GeneratorParams(model);
        parameters.SetSearchOption("do_sample", false);
        parameters.SetSearchOption("max_length", prompt.Length + tokens);
        parameters.SetSearchOption("min_length", prompt.Length + tokens);
        using var generator = new GenAi.Generator(model, parameters);
        generator.AppendTokens(prompt);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        return generator.GetSequence(0)[prompt.Length..].ToArray();
    }

    private static double Timed(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
