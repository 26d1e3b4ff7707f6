using Platform.Inference.Constraints;
using Platform.Inference.Engine;
using Platform.Inference.Templates;
using Platform.Inference.Tokenization;

namespace Platform.Inference.Models;

/// <summary>A model being served: its configuration, tokenizer and device pool.</summary>
public sealed class LoadedModel(ModelConfig config, ITokenizer tokenizer, ModelChatTemplate chatTemplate, DevicePool pool) : IDisposable
{
    public string Name => Config.Name;

    public ModelConfig Config { get; } = config;

    public ITokenizer Tokenizer { get; } = tokenizer;

    /// <summary>The model's chat template (ChatML when its tokenizer_config.json has none) and its special tokens.</summary>
    public ModelChatTemplate ChatTemplate { get; } = chatTemplate;

    public DevicePool Pool { get; } = pool;

    /// <summary>Compiled JSON schemas and tool-call grammars over this model's vocabulary (built at first use).</summary>
    public ConstraintCache Constraints { get; } = new(() => ConstraintVocabulary.From(tokenizer, config.EosTokenIds, config.VocabularySize));

    /// <summary>When the folder's genai_config.json was written, read once at load (OpenAI's <c>created</c>).</summary>
    public DateTimeOffset CreatedAt { get; } = File.GetLastWriteTimeUtc(Path.Combine(config.Directory, GenAiConfigReader.FileName));

    /// <summary>The provider the sessions actually run on.</summary>
    public string ExecutionProvider => Pool.Workers[0].ExecutionProvider;

    public void Dispose() => Pool.Dispose();
}
