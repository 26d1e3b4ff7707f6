using System.Text.Json;
using Platform.Api.Errors;

namespace Platform.Api.Sampling;

/// <summary>
/// Reads a JSON request body field by field, so that every fault names its parameter the way OpenAI does.
/// Unknown fields are ignored: current SDKs send parameters we have not met yet.
/// </summary>
internal sealed class JsonRequest(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public static async Task<JsonRequest> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(
                StatusCodes.Status415UnsupportedMediaType,
                $"Invalid Content-Type header ({request.ContentType ?? "none"}), expected application/json.",
                "invalid_request_error",
                null,
                "unsupported_media_type");
        }

        // Enforced here as well as by Kestrel, so the limit holds behind any server and for chunked bodies.
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 64 });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidRequest("The request body must be a JSON object.", null);
        }

        return new JsonRequest(document.RootElement.Clone());
    }

    private static ApiException TooLarge(long maxBytes) => new(
        StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the {maxBytes} bytes this server accepts.",
        "invalid_request_error",
        null,
        "request_too_large");

    public bool Has(string name) => Root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Get(string name) => Root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string RequiredString(string name)
    {
        var value = Get(name) ?? throw ApiException.Missing(name);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw ApiException.InvalidType(name, "a string", Describe(value));
        }

        var text = value.GetString()!;
        return text.Length > 0 ? text : throw ApiException.InvalidValue(name, "must not be empty.");
    }

    public string? OptionalString(string name)
    {
        if (Get(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw ApiException.InvalidType(name, "a string", Describe(value));
    }

    public bool? OptionalBool(string name)
    {
        if (Get(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.InvalidType(name, "a boolean", Describe(value)),
        };
    }

    public double? OptionalNumber(string name, double min, double max, bool minExclusive = false)
    {
        if (Get(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw ApiException.InvalidType(name, "a number", Describe(value));
        }

        var tooLow = minExclusive ? number <= min : number < min;
        if (tooLow || number > max)
        {
            var range = minExclusive ? $"greater than {Format(min)} and at most {Format(max)}" : $"between {Format(min)} and {Format(max)}";
            throw ApiException.InvalidValue(name, $"must be {range}; got {Format(number)}.");
        }

        return number;
    }

    public long? OptionalInteger(string name, long min, long max)
    {
        if (Get(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw ApiException.InvalidType(name, "an integer", Describe(value));
        }

        return number >= min && number <= max
            ? number
            : throw ApiException.InvalidValue(name, $"must be between {min} and {max}; got {number}.");
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "an integer" : "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    private static string Format(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
