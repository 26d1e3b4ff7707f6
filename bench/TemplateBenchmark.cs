using System.Diagnostics;
using Platform.Inference.Templates;

namespace Platform.Bench;

/// <summary>
/// Chat template rendering: each reference template (and the ChatML default) renders a 10-message conversation,
/// with tools for the templates that print them; the figure is the best of several timed batches after warm-up.
/// </summary>
internal static class TemplateBenchmark
{
    private const int RendersPerBatch = 2_000;
    private const int Batches = 7;

    public static IEnumerable<BenchRow> Run(string chatTemplatesDirectory)
    {
        var templates = Directory.GetFiles(chatTemplatesDirectory, "*.jinja")
            .Order(StringComparer.Ordinal)
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Template: ChatTemplate.Parse(File.ReadAllText(path))))
            .Append(("chatml-default", ChatTemplate.ChatMl));
        foreach (var (name, template) in templates)
        {
            var context = Conversation(withSystem: name is not ("gemma" or "mistral"));
            yield return new BenchRow($"chat template {name}", "render 10 messages", Microseconds(template, context), "µs", "< 100 µs");
        }

        var qwen = File.ReadAllText(Path.Combine(chatTemplatesDirectory, "qwen3.jinja"));
        for (var i = 0; i < 2_000; i++)
        {
            ChatTemplate.Parse(qwen);
        }

        var parse = Stopwatch.StartNew();
        for (var i = 0; i < 2_000; i++)
        {
            ChatTemplate.Parse(qwen);
        }

        yield return new BenchRow("chat template qwen3", "parse", parse.Elapsed.TotalMicroseconds / 2_000, "µs");
    }

    private static double Microseconds(ChatTemplate template, ChatTemplateContext context)
    {
        // Tiered compilation starts promoting hot methods only after a delay: warm up by time, not by count.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 300)
        {
            template.Render(context);
        }

        var best = double.MaxValue;
        for (var batch = 0; batch < Batches; batch++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < RendersPerBatch; i++)
            {
                template.Render(context);
            }

            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / RendersPerBatch);
        }

        return best;
    }

    /// <summary>Alternating user and assistant turns (assistant turns carry Qwen-style thinking), after a system message where the template accepts one.</summary>
    private static ChatTemplateContext Conversation(bool withSystem)
    {
        var messages = new List<IReadOnlyDictionary<string, object?>>();
        if (withSystem)
        {
            messages.Add(Message("system", "You are a helpful assistant. Answer briefly and cite sources when you can."));
        }

        for (var turn = 0; messages.Count < 10; turn++)
        {
            messages.Add(turn % 2 == 0
                ? Message("user", $"Question {turn}: what is the weather like in Paris today, and tomorrow?")
                : Message("assistant", "<think>\nThe user asks about the weather.\n</think>\n\nIt is sunny, 24 °C."));
        }

        var tool = new Dictionary<string, object?>
        {
            ["type"] = "function",
            ["function"] = new Dictionary<string, object?>
            {
                ["name"] = "get_weather",
                ["description"] = "Get the weather for a city",
                ["parameters"] = new Dictionary<string, object?>
                {
                    ["type"] = "object",
                    ["properties"] = new Dictionary<string, object?> { ["city"] = new Dictionary<string, object?> { ["type"] = "string" } },
                    ["required"] = new object?[] { "city" },
                },
            },
        };
        return new ChatTemplateContext
        {
            Messages = messages,
            BosToken = "<s>",
            EosToken = "</s>",
            AddGenerationPrompt = true,
            Tools = [tool],
        };
    }

    private static Dictionary<string, object?> Message(string role, string content) => new() { ["role"] = role, ["content"] = content };
}
