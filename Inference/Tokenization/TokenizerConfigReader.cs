using System.Text.Json;

namespace Platform.Inference.Tokenization;

/// <summary>Reads the fields of tokenizer_config.json that change how text is encoded or decoded.</summary>
internal static class TokenizerConfigReader
{
    public static TokenizerOptions Read(JsonField root)
    {
        if (root.OptionalBool("do_lowercase_and_remove_accent", false))
        {
            throw root.Required("do_lowercase_and_remove_accent").Unsupported("value true");
        }

        var additional = new List<string>();
        if (root.Optional("additional_special_tokens") is { } list)
        {
            foreach (var item in list.Items())
            {
                // Entries written as objects never match in the reference, which compares them with strings.
                if (item.Kind == JsonValueKind.String)
                {
                    additional.Add(item.AsString());
                }
            }
        }

        return new TokenizerOptions
        {
            CleanUpTokenizationSpaces = root.OptionalBool("clean_up_tokenization_spaces", true),
            RemoveSpace = root.OptionalBool("remove_space", false),
            AdditionalSpecialTokens = additional,
        };
    }
}
