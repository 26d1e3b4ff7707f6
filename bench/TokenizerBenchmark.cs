using System.Diagnostics;
using System.Text;
using Platform.Inference.Tokenization;

namespace Platform.Bench;

/// <summary>
/// Tokenizer throughput on the shared models: encoding a few hundred KB of mixed text (prose, code, numbers,
/// non-Latin scripts, emoji) in prompt-sized documents, with the word cache empty (cold) and filled (warm),
/// and the streaming detokenizer fed one id at a time.
/// </summary>
internal static class TokenizerBenchmark
{
    private const int DocumentCount = 200;
    private const int DocumentChars = 2_000;
    private const int ColdRuns = 3;
    private const int MeasuredRuns = 7;
    private const int WarmUpRuns = 3;

    private static readonly string[] Models = ["tiny-random-gpt2", "tiny-random-llama"];

    public static IEnumerable<BenchRow> Run(string sharedModelsDirectory)
    {
        var documents = MixedDocuments(seed: 42);
        var megabytes = documents.Sum(d => Encoding.UTF8.GetByteCount(d)) / 1e6;

        // A fresh set of made-up words for every run, so that none of them can be in the cache yet.
        var unseen = Enumerable.Range(0, WarmUpRuns + MeasuredRuns).Select(MadeUpWordDocuments).ToList();
        var unseenMegabytes = unseen[0].Sum(d => Encoding.UTF8.GetByteCount(d)) / 1e6;
        foreach (var model in Models)
        {
            var folder = Path.Combine(sharedModelsDirectory, model);
            var name = $"tokenizer {model}";

            // Cold: the first pass of a freshly loaded tokenizer (best of a few loads, to damp noise from other processes).
            var loads = new List<double>();
            var coldRuns = new List<double>();
            var tokens = 0L;
            ITokenizer tokenizer = null!;
            for (var i = 0; i < ColdRuns; i++)
            {
                var load = Stopwatch.StartNew();
                tokenizer = TokenizerLoader.Load(folder);
                loads.Add(load.Elapsed.TotalMilliseconds);
                (var seconds, tokens) = EncodeAll(tokenizer, documents);
                coldRuns.Add(seconds);
            }

            yield return new BenchRow(name, "load", loads.Min(), "ms");
            yield return new BenchRow(name, "encode cold cache", tokens / coldRuns.Min(), "tokens/s");
            yield return new BenchRow(name, "encode cold cache", megabytes / coldRuns.Min(), "MB/s");

            var warm = Best(_ => EncodeAll(tokenizer, documents).Seconds);
            yield return new BenchRow(name, "encode warm cache", tokens / warm, "tokens/s");
            yield return new BenchRow(name, "encode warm cache", megabytes / warm, "MB/s");

            // Made-up words miss the cache: this is the merge loop's own speed.
            var unseenTokens = unseen[^1].Sum(d => (long)tokenizer.Encode(d).Count);
            var unseenSeconds = Best(run => EncodeAll(tokenizer, unseen[run]).Seconds);
            yield return new BenchRow(name, "encode unseen words", unseenTokens / unseenSeconds, "tokens/s");
            yield return new BenchRow(name, "encode unseen words", unseenMegabytes / unseenSeconds, "MB/s");

            var ids = documents.Select(d => tokenizer.Encode(d)).ToList();
            var stream = Best(_ => StreamAll(tokenizer, ids));
            yield return new BenchRow(name, "streaming detokenizer", tokens / stream, "tokens/s");
        }
    }

    /// <summary>Fastest of several timed runs after warm-up runs, so JIT tiers and neighbours' CPU use matter less.</summary>
    private static double Best(Func<int, double> run)
    {
        for (var i = 0; i < WarmUpRuns; i++)
        {
            run(i);
        }

        return Enumerable.Range(WarmUpRuns, MeasuredRuns).Select(run).Min();
    }

    private static (double Seconds, long Tokens) EncodeAll(ITokenizer tokenizer, IReadOnlyList<string> documents)
    {
        var tokens = 0L;
        var watch = Stopwatch.StartNew();
        foreach (var document in documents)
        {
            tokens += tokenizer.Encode(document).Count;
        }

        return (watch.Elapsed.TotalSeconds, tokens);
    }

    private static double StreamAll(ITokenizer tokenizer, IReadOnlyList<IReadOnlyList<int>> documents)
    {
        var characters = 0L;
        var watch = Stopwatch.StartNew();
        foreach (var ids in documents)
        {
            var detokenizer = tokenizer.CreateStreamingDetokenizer([]);
            foreach (var id in ids)
            {
                characters += detokenizer.Push(id).Length;
            }

            characters += detokenizer.Flush().Length;
        }

        GC.KeepAlive(characters);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Documents of random lower-case "words", nearly all distinct.</summary>
    private static List<string> MadeUpWordDocuments(int seed)
    {
        var random = new Random(seed);
        var documents = new List<string>(DocumentCount);
        var builder = new StringBuilder(DocumentChars + 20);
        for (var d = 0; d < DocumentCount; d++)
        {
            builder.Clear();
            while (builder.Length < DocumentChars)
            {
                var length = random.Next(3, 12);
                for (var i = 0; i < length; i++)
                {
                    builder.Append((char)('a' + random.Next(26)));
                }

                builder.Append(' ');
            }

            documents.Add(builder.ToString());
        }

        return documents;
    }

    /// <summary>Deterministic mixed text, cut into documents of about <see cref="DocumentChars"/> characters.</summary>
    private static List<string> MixedDocuments(int seed)
    {
        string[] words =
        [
            "the", "of", "and", "tokenizer", "inference", "request", "latency", "throughput", "model", "server",
            "quickly", "jumps", "over", "lazy", "dog", "don't", "it's", "we've", "naïve", "café", "Übermensch",
            "résumé", "Москва", "привет", "мир", "Ελληνικά", "日本語", "のテキスト", "中文字符", "한국어", "🙂", "🚀🤖",
            "👩‍👩‍👧", "3.14159", "2024-06-11", "42", "1,000,000", "x**2", "foo_bar", "CamelCaseName", "https://example.com/a?b=c",
        ];
        string[] code =
        [
            "def f(x):\n    return x * 2\n",
            "for (var i = 0; i < n; i++) {\n\tsum += a[i];\n}\n",
            "SELECT id, name FROM users WHERE age > 30;\n",
            "{\"key\": [1, 2, 3], \"ok\": true}\n",
        ];

        var random = new Random(seed);
        var documents = new List<string>(DocumentCount);
        var builder = new StringBuilder(DocumentChars + 100);
        for (var d = 0; d < DocumentCount; d++)
        {
            builder.Clear();
            while (builder.Length < DocumentChars)
            {
                var roll = random.Next(100);
                if (roll < 3)
                {
                    builder.Append(code[random.Next(code.Length)]);
                }
                else if (roll < 8)
                {
                    builder.Append(". ");
                }
                else if (roll < 10)
                {
                    builder.Append('\n');
                }
                else
                {
                    builder.Append(words[random.Next(words.Length)]).Append(random.Next(10) == 0 ? ", " : " ");
                }
            }

            documents.Add(builder.ToString());
        }

        return documents;
    }
}
