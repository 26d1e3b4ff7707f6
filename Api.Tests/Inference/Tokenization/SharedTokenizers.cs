using Platform.Api.Tests.Support;
using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>Loads each shared model's tokenizer once per test class; loading fails (never skips) when shared/ is missing.</summary>
public sealed class SharedTokenizers
{
    public const string Gpt2 = "tiny-random-gpt2";
    public const string Llama = "tiny-random-llama";

    private readonly Lazy<ITokenizer> _gpt2 = new(() => TokenizerLoader.Load(SharedData.Model(Gpt2)));
    private readonly Lazy<ITokenizer> _llama = new(() => TokenizerLoader.Load(SharedData.Model(Llama)));

    public ITokenizer this[string model] => model switch
    {
        Gpt2 => _gpt2.Value,
        Llama => _llama.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "not a shared model"),
    };
}
