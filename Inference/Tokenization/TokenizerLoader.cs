using System.Text.Json;

namespace Platform.Inference.Tokenization;

/// <summary>Loads a Hugging Face tokenizer from a model folder.</summary>
public static class TokenizerLoader
{
    private const string TokenizerFile = "tokenizer.json";
    private const string ConfigFile = "tokenizer_config.json";

    /// <summary>
    /// Reads <c>tokenizer.json</c> and, when present, <c>tokenizer_config.json</c> from <paramref name="modelDirectory"/>.
    /// </summary>
    /// <exception cref="TokenizerLoadException">A file is missing, is not valid JSON, or uses a field or type this loader does not support.</exception>
    public static ITokenizer Load(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);

        var tokenizerPath = Path.Combine(modelDirectory, TokenizerFile);
        if (!File.Exists(tokenizerPath))
        {
            throw new TokenizerLoadException($"{TokenizerFile}: file not found in '{modelDirectory}'.");
        }

        var options = TokenizerOptions.Default;
        var configPath = Path.Combine(modelDirectory, ConfigFile);
        if (File.Exists(configPath))
        {
            using var config = Parse(configPath, ConfigFile);
            options = TokenizerConfigReader.Read(Root(config, ConfigFile));
        }

        using var tokenizer = Parse(tokenizerPath, TokenizerFile);
        return new Tokenizer(TokenizerJsonReader.Read(Root(tokenizer, TokenizerFile), options));
    }

    private static JsonDocument Parse(string path, string fileName)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException($"{fileName}: not valid JSON ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{fileName}: cannot be read ({e.Message})", e);
        }
    }

    private static JsonField Root(JsonDocument document, string fileName) =>
        document.RootElement.ValueKind == JsonValueKind.Object
            ? new JsonField(document.RootElement, fileName, string.Empty)
            : throw new TokenizerLoadException($"{fileName}: the top level must be a JSON object.");
}
