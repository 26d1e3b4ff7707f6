using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Schema;

namespace Platform.Inference.Constraints;

/// <summary>
/// One model's compiled constraints, cached by a hash of what they were compiled from, so a schema sent with
/// every request is compiled once and its masks are shared by every request that uses it.
/// </summary>
public sealed class ConstraintCache(Func<ConstraintVocabulary> vocabulary)
{
    private const int MaxEntries = 256;
    private readonly Lazy<ConstraintVocabulary> _vocabulary = new(vocabulary);
    private readonly ConcurrentDictionary<string, TokenConstraint> _compiled = new(StringComparer.Ordinal);

    public ConstraintVocabulary Vocabulary => _vocabulary.Value;

    /// <exception cref="GrammarException">The schema is outside the supported subset.</exception>
    public TokenConstraint ForSchema(JsonElement schema, bool strict) =>
        GetOrCompile($"schema:{strict}:{schema.GetRawText()}", () => SchemaCompiler.Compile(schema, strict));

    public TokenConstraint ForJsonObject() => GetOrCompile("json_object", SchemaCompiler.AnyObject);

    /// <summary>Any other grammar (a tool-call syntax), under a key that identifies it.</summary>
    public TokenConstraint GetOrCompile(string key, Func<GrammarNode> compile)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(compile);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (_compiled.TryGetValue(hash, out var cached))
        {
            return cached;
        }

        var constraint = new TokenConstraint(compile(), Vocabulary);
        if (_compiled.Count >= MaxEntries)
        {
            _compiled.Clear();
        }

        return _compiled.GetOrAdd(hash, constraint);
    }
}
