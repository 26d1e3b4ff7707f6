using System.Diagnostics;
using System.Text;
using Platform.Moderation.Rules;

namespace Platform.Bench;

/// <summary>
/// The rules classifier (the shipped rules file) on 1 KB inputs: ordinary prose, prose with flagged phrases, and
/// obfuscated text (leet, separators, spaced letters), which exercises the normaliser hardest; and the 512-character
/// window the output check scores per streamed chunk. Best of several timed batches after a warm-up.
/// </summary>
internal static class ModerationBenchmark
{
    private const int PerBatch = 5_000;
    private const int Batches = 9;

    private const string Prose =
        "The committee met on Tuesday to review the quarterly figures. Sales in the northern region rose by four percent, " +
        "while the south held steady after a difficult winter. Several members asked whether the new warehouse would open " +
        "on time; the project lead said the roof was finished and the shelving arrives next week. ";

    private const string Flagged =
        "I read the thread twice. Honestly you are a pathetic loser, and if you keep posting I will find you and hurt you. " +
        "Someone asked how to pick a lock without getting caught and another wanted to buy cheap cocaine, dm me for delivery. ";

    private const string Obfuscated =
        "y0u are a l0s3r, i w1ll k i l l y0u, h0w to m@ke a b0mb, s.e.n.d n.u.d.e.s, imm1grants are v3rmin, " +
        "i w@nt to k1ll mys3lf, bl00d gushing fr0m his thr0at, ch3ap c0caine dm me, sh u t up you p a t h e t i c clown. ";

    public static IEnumerable<BenchRow> Run()
    {
        var rules = RulesClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Rules", "moderation-rules.json"));
        foreach (var (name, text) in new[] { ("prose", Kilobyte(Prose)), ("flagged phrases", Kilobyte(Flagged)), ("obfuscated", Kilobyte(Obfuscated)) })
        {
            yield return new BenchRow("moderation rules classifier", $"classify 1 KB of {name}", Microseconds(rules, text), "µs", "< 50 µs");
        }

        yield return new BenchRow("moderation rules classifier", "output check per chunk (512-character window)", Microseconds(rules, Kilobyte(Flagged)[..512]), "µs");
    }

    private static string Kilobyte(string sentence)
    {
        var text = new StringBuilder();
        while (text.Length < 1024)
        {
            text.Append(sentence);
        }

        return text.ToString(0, 1024);
    }

    private static double Microseconds(RulesClassifier rules, string text)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 300)
        {
            rules.Classify(text);
        }

        var best = double.MaxValue;
        for (var batch = 0; batch < Batches; batch++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < PerBatch; i++)
            {
                rules.Classify(text);
            }

            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / PerBatch);
        }

        return best;
    }
}
