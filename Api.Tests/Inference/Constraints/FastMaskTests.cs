using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Inference.Constraints;
using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Schema;
using Platform.Inference.Constraints.Tools;
using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Constraints;

/// <summary>
/// The served mask (lexer tables at the trie's root, literal edges, lexers run on integers deeper down) allows
/// exactly the tokens the reference walk (every trie edge fed to the whole state) allows, on random parse states
/// of random schemas, json_object and both tool-call syntaxes, on both shared vocabularies (byte-level BPE and
/// SentencePiece byte fallback): structure, keys, numbers, literals, strings, free text, states that end inside
/// a UTF-8 character, and tight budgets. Its reuse range must lie within the reference's.
/// </summary>
public sealed class FastMaskTests
{
    private const string NestedSchema = """
        {"type":"object","properties":{
          "name":{"type":"string"},
          "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},"zip":{"type":"integer"}},"required":["street","city","zip"],"additionalProperties":false},
          "tags":{"type":"array","items":{"type":"string","enum":["home","work","other"]},"minItems":1,"maxItems":5},
          "scores":{"type":"array","items":{"type":"number"}},
          "active":{"type":["boolean","null"]},
          "child":{"anyOf":[{"type":"null"},{"$ref":"#"}]}},
         "required":["name","address","tags","scores","active","child"],"additionalProperties":false}
        """;

    [Theory]
    [InlineData("tiny-random-gpt2", 31, "<|endoftext|>")]
    [InlineData("tiny-random-llama", 32, "</s>")]
    public void RandomStates_EqualTrieWalk(string name, int seed, string endOfSequence)
    {
        var tokenizer = TokenizerLoader.Load(SharedData.Model(name));
        var end = tokenizer.TokenToId(endOfSequence) ?? throw new Xunit.Sdk.XunitException($"{name} has no {endOfSequence}");
        var vocabulary = ConstraintVocabulary.From(tokenizer, [end], tokenizer.VocabularySize);
        var random = new Random(seed);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var (label, grammar, prefix) in Grammars(seed))
        {
            var start = GrammarState.Start(grammar).Feed(prefix) ?? throw new Xunit.Sdk.XunitException($"{label}: prefix refused");
            var state = start;
            for (var step = 0; step < 30 && state.CanContinue; step++)
            {
                var budget = random.Next(3) == 0 ? state.MinRemaining + random.Next(0, 4) : 4096;
                var fast = TokenMask.Compute(vocabulary, state, budget);
                var reference = TokenMask.ComputeByWalk(vocabulary, state, budget);
                Assert.True(fast.Agrees(reference, budget), $"{name}: masks differ at step {step} of {label}, state {Describe(state)}, budget {budget}");
                var kind = Describe(state);
                seen[kind] = seen.GetValueOrDefault(kind) + 1;

                var allowed = Enumerable.Range(0, vocabulary.Size).Where(id => reference.Allows(id) && id != end).ToList();
                if (allowed.Count == 0)
                {
                    break;
                }

                // Prefer tokens that leave strings and numbers now and then, so structure, keys and literals come up.
                var structural = allowed.Where(id => vocabulary.BytesOf(id).IndexOfAny("\"]},:"u8) >= 0).ToList();
                var pool = structural.Count > 0 && random.Next(2) == 0 ? structural : allowed;
                var token = pool[random.Next(pool.Count)];
                state = state.Feed(vocabulary.BytesOf(token)) ?? throw new Xunit.Sdk.XunitException($"token {token} was allowed but does not follow");

                // Now and then stop part-way through a multi-byte character (a state no whole token ends in).
                if (random.Next(8) == 0 && state.Feed([0xC3]) is { } split)
                {
                    state = split;
                }
            }
        }

        foreach (var kind in new[] { "string", "number", "literal", "several", "free text", "utf-8" })
        {
            Assert.True(seen.GetValueOrDefault(kind) >= 3, $"{name}: only {seen.GetValueOrDefault(kind)} states of kind '{kind}' compared ({string.Join(", ", seen.Select(p => $"{p.Key}={p.Value}"))})");
        }
    }

    private static IEnumerable<(string Label, GrammarNode Grammar, byte[] Prefix)> Grammars(int seed)
    {
        using (var nested = JsonDocument.Parse(NestedSchema))
        {
            yield return ("the nested schema", SchemaCompiler.Compile(nested.RootElement, strict: true), []);
        }

        yield return ("json_object", SchemaCompiler.AnyObject(), []);
        var schemas = new RandomSchemas(seed);
        var functions = new List<ToolGrammarFunction>();
        for (var i = 0; i < 12; i++)
        {
            var (schema, strict) = schemas.Next();
            var text = schema.ToJsonString();
            using var document = JsonDocument.Parse(text);
            functions.Add(new ToolGrammarFunction($"f{i}", document.RootElement.Clone(), strict));
            yield return (text, SchemaCompiler.Compile(document.RootElement, strict), []);
        }

        var few = functions.Take(3).ToList();
        yield return ("hermes calls", ToolCallGrammar.Calls(ToolCallSyntax.Hermes, few, parallel: true), []);
        yield return ("phi4 calls", ToolCallGrammar.Calls(ToolCallSyntax.Phi4, few, parallel: true), []);
        yield return ("hermes text or calls", ToolCallGrammar.TextOrCalls(ToolCallSyntax.Hermes, few, parallel: true), []);
        yield return ("hermes text or calls, after 'Hi <tool'", ToolCallGrammar.TextOrCalls(ToolCallSyntax.Hermes, few, parallel: true), Encoding.UTF8.GetBytes("Hi <tool"));
        yield return ("hermes text or calls, inside a call", ToolCallGrammar.TextOrCalls(ToolCallSyntax.Hermes, few, parallel: true), Encoding.UTF8.GetBytes("Hi <tool_call>\n{\"name\": "));
        yield return ("phi4 text only, mid-character", ToolCallGrammar.TextOnly(ToolCallSyntax.Phi4), [(byte)'a', 0xE2]);
    }

    /// <summary>The kind of state compared, so the test can show each kind came up.</summary>
    private static string Describe(GrammarState state)
    {
        var stacks = state.Stacks;
        if (stacks.Length > 1)
        {
            return "several";
        }

        if (stacks.Length == 0)
        {
            return "complete";
        }

        return stacks[0] switch
        {
            { Node: StringNode, Position: not StringLexer.Body } or { Node: FreeTextNode, Position: > 0 and < 64 } => "utf-8",
            { Node: StringNode } => "string",
            { Node: NumberNode } => "number",
            { Node: FreeTextNode } => "free text",
            _ => "literal",
        };
    }
}
