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
/// the same process and run: batch-1 greedy decode of 128 new tokens from the same prompt ids, interleaved round by
/// round so drift on a shared machine hits both, with a bare <c>Run</c> loop on our session as a third
/// (which splits a gap into what the engine adds and what the managed API's <c>Run</c> costs against GenAI's native
/// loop); GenAI's greedy tokens against ours on every prompt of greedy-vectors.json; and what each decoder makes of a
/// stray byte-fallback token. GenAI runs with our session's intra-op threads, so both do the same ORT work, and
/// once more as a fourth contestant with its own default (ORT's: half the logical processors), as a user gets it.
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
        var threads = ours.Pool.Workers[0].Session.IntraOpThreads;
        using var theirs = GenAiModel(modelDirectory, threads);
        using var theirsByDefault = new GenAi.Model(modelDirectory);
        // Ids inside the model's own vocabulary (tiny-random-gpt2's tokenizer knows more words than its 1,000 logits).
        var vocabulary = ours.Pool.Signature.VocabularySize;
        var prompt = Enumerable.Range(0, PromptTokens).Select(i => (i * 7919 % (vocabulary - 10)) + 3).ToArray();

        Ours(ours, prompt, 8);
        Theirs(theirs, prompt, 8);
        Theirs(theirsByDefault, prompt, 8);
        BareRunLoop.Run(ours, prompt, 8);
        // Each round runs the four in a rotating order, each twice back to back: the first run follows another
        // engine's (its threads asleep and its caches cold, as for a lone request on a quiet server), the second
        // follows its own (as for back-to-back requests). Both are timed; neither side ever gets the warmer slot.
        var rounds = new List<Round>();
        var clock = Stopwatch.StartNew();
        while (rounds.Count < MinimumRounds || (clock.Elapsed < RoundsFor && rounds.Count < MaximumRounds))
        {
            var contestants = new (Func<double> Run, double[] Times)[]
            {
                (() => Timed(() => Ours(ours, prompt, NewTokens)), new double[2]),
                (() => Timed(() => Theirs(theirs, prompt, NewTokens)), new double[2]),
                (() => Timed(() => Theirs(theirsByDefault, prompt, NewTokens)), new double[2]),

                // The prefill gives the first token, so NewTokens - 1 decode steps make the same request.
                (() => BareRunLoop.Run(ours, prompt, NewTokens - 1).TotalSeconds, new double[2]),
            };
            for (var i = 0; i < contestants.Length; i++)
            {
                var (run, times) = contestants[(rounds.Count + i) % contestants.Length];
                times[0] = run();
                times[1] = run();
            }

            rounds.Add(new Round(contestants[0].Times, contestants[1].Times, contestants[3].Times, contestants[2].Times));
        }

        var rows = new List<BenchRow>
        {
            new(name, $"ours: batch 1, greedy, {NewTokens} new tokens, run after itself (median of {rounds.Count} rounds)", Median(rounds.Select(r => NewTokens / r.Ours[1])), "tokens/s"),
            new(name, $"ONNX Runtime GenAI 0.18.0: the same, with our {threads} intra-op thread{(threads == 1 ? string.Empty : "s")}", Median(rounds.Select(r => NewTokens / r.Theirs[1])), "tokens/s"),
            new(name, "ours / GenAI, each run after itself (median of the per-round ratios)", Median(rounds.Select(r => r.Theirs[1] / r.Ours[1])), "x", ">= 1.0x"),
            new(name, "ours / GenAI, each run after another engine", Median(rounds.Select(r => r.Theirs[0] / r.Ours[0])), "x", ">= 1.0x"),
            new(name, "GenAI with its default intra-op threads, run after itself", Median(rounds.Select(r => NewTokens / r.TheirsByDefault[1])), "tokens/s"),
            new(name, "ours / GenAI with its default threads, each run after itself: what each user gets", Median(rounds.Select(r => r.TheirsByDefault[1] / r.Ours[1])), "x"),
            new(name, "bare Run loop on our session, run after itself (no engine; same rounds)", Median(rounds.Select(r => NewTokens / r.Bare[1])), "tokens/s"),
            new(name, "bare Run loop / GenAI, each after itself: where the managed API itself stands", Median(rounds.Select(r => r.Theirs[1] / r.Bare[1])), "x"),
            new(name, "ours / bare Run loop, each after itself: what the engine costs", Median(rounds.Select(r => r.Bare[1] / r.Ours[1])), "x"),
            new(name, "ours / bare Run loop, each after another engine", Median(rounds.Select(r => r.Bare[0] / r.Ours[0])), "x"),
        };

        var bareTokens = new List<int>();
        BareRunLoop.Run(ours, prompt, NewTokens - 1, bareTokens);
        rows.Add(new BenchRow(name, $"the bare loop's greedy tokens equal to ours (the bench prompt, {NewTokens} tokens)", bareTokens.SequenceEqual(Ours(ours, prompt, NewTokens)) ? 1 : 0, "of 1", "1 of 1"));

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

    /// <summary>Seconds of each contestant's two runs in one round: [0] after another engine, [1] right after itself.</summary>
    private sealed record Round(double[] Ours, double[] Theirs, double[] Bare, double[] TheirsByDefault);

    /// <summary>GenAI on the folder, its decoder session given <paramref name="intraOpThreads"/> as ours was.</summary>
    private static GenAi.Model GenAiModel(string modelDirectory, int intraOpThreads)
    {
        using var config = new GenAi.Config(modelDirectory);
        config.Overlay(JsonSerializer.Serialize(new { model = new { decoder = new { session_options = new { intra_op_num_threads = intraOpThreads } } } }));
        return new GenAi.Model(config);
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
