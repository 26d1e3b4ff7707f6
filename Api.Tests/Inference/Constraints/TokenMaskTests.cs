using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Inference.Constraints;
using Platform.Inference.Constraints.Schema;
using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Constraints;

/// <summary>
/// The fast mask (precomputed per string-lexer state, only string-closing tokens checked against the grammar)
/// allows exactly the tokens the full byte-trie walk allows, with the same budget bounds, on both shared
/// vocabularies (byte-level BPE and SentencePiece byte fallback), including partial UTF-8 and tight budgets.
/// </summary>
public sealed class TokenMaskTests
{
    private const int ComparisonsPerModel = 40;

    [Theory]
    [InlineData("tiny-random-gpt2", 11)]
    [InlineData("tiny-random-llama", 12)]
    public void InString_EqualsTrieWalk(string name, int seed)
    {
        var tokenizer = TokenizerLoader.Load(SharedData.Model(name));
        var vocabulary = ConstraintVocabulary.From(tokenizer, [], tokenizer.VocabularySize);
        var schemas = new RandomSchemas(seed);
        var random = new Random(seed);
        var compared = 0;
        var closingSeen = false;
        for (var attempt = 0; attempt < 200 && compared < ComparisonsPerModel; attempt++)
        {
            var (schema, strict) = schemas.Next();
            using var document = JsonDocument.Parse(schema.ToJsonString());
            var constraint = new TokenConstraint(SchemaCompiler.Compile(document.RootElement, strict), vocabulary);
            var state = constraint.Start;
            for (var step = 0; step < 40 && state.CanContinue && compared < ComparisonsPerModel; step++)
            {
                var budget = random.Next(3) == 0 ? state.MinRemaining + random.Next(0, 4) : 4096;
                var mask = TokenMask.Compute(vocabulary, state, budget);
                if (state.TryGetOpenString(out _, out _))
                {
                    Assert.True(mask.Agrees(TokenMask.ComputeByWalk(vocabulary, state, budget), budget), $"{name}: masks differ at step {step} of {schema.ToJsonString()}");
                    compared++;
                }

                var allowed = Enumerable.Range(0, vocabulary.Size).Where(mask.Allows).ToList();
                Assert.NotEmpty(allowed);
                // Most tokens stay inside a string; prefer ones with a quote now and then so strings close too.
                var quoted = allowed.Where(id => vocabulary.BytesOf(id).Contains((byte)'"')).ToList();
                var pool = quoted.Count > 0 && random.Next(3) == 0 ? quoted : allowed;
                var token = pool[random.Next(pool.Count)];
                var wasInString = state.TryGetOpenString(out _, out _);
                state = state.Feed(vocabulary.BytesOf(token)) ?? throw new Xunit.Sdk.XunitException($"token {token} was allowed but does not follow");
                closingSeen |= wasInString && !state.TryGetOpenString(out _, out _);
            }
        }

        Assert.Equal(ComparisonsPerModel, compared);
        Assert.True(closingSeen, "no allowed token closed a string: the closing path was not exercised");
    }

    [Fact]
    public void Apply_RefusesExactlyTheMaskedTokens()
    {
        var tokenizer = TokenizerLoader.Load(SharedData.Model("tiny-random-llama"));
        var vocabulary = ConstraintVocabulary.From(tokenizer, [], tokenizer.VocabularySize);
        using var document = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}""");
        var constraint = new TokenConstraint(SchemaCompiler.Compile(document.RootElement, strict: true), vocabulary);
        var state = constraint.Start.Feed("{\"a\":\"x"u8) ?? throw new Xunit.Sdk.XunitException("prefix refused");
        var mask = TokenMask.Compute(vocabulary, state, 4096);

        // A row wider than the vocabulary: the extra ids are never text and must be refused.
        var logits = new float[vocabulary.Size + 70];
        mask.Apply(logits);

        for (var id = 0; id < logits.Length; id++)
        {
            Assert.Equal(id < vocabulary.Size && mask.Allows(id), !float.IsNegativeInfinity(logits[id]));
        }
    }
}
