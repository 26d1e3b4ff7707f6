using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Sampling;
using Platform.Billing.Audit;

namespace Platform.Api.Admin;

/// <summary>What every admin handler needs: the JSON body, read field by field, and who is acting (for the audit log).</summary>
internal static class AdminRequest
{
    public static Task<JsonRequest> ReadAsync(HttpContext context) =>
        JsonRequest.ReadAsync(context.Request, context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes, context.RequestAborted);

    /// <summary>The acting admin key, by id and display form (never the secret).</summary>
    public static AuditActor Actor(HttpContext context)
    {
        var key = context.GetApiKey();
        return new AuditActor(key.KeyId, key.Display);
    }

    public static long RequiredInteger(this JsonRequest body, string name, long min = long.MinValue, long max = long.MaxValue) =>
        body.OptionalInteger(name, min, max) ?? throw ApiException.Missing(name);

    public static decimal? OptionalDecimal(this JsonRequest body, string name)
    {
        if (body.Get(name) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
            ? number
            : throw ApiException.InvalidType(name, "a number", JsonRequest.Describe(value));
    }

    public static IReadOnlyList<string>? OptionalStrings(this JsonRequest body, string name)
    {
        if (body.Get(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw ApiException.InvalidType(name, "an array of strings", JsonRequest.Describe(value));
        }

        return [.. value.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A time given as Unix seconds, as OpenAI writes times.</summary>
    public static DateTimeOffset? OptionalUnixTime(this JsonRequest body, string name) =>
        body.OptionalInteger(name, 0, 253_402_300_799) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    public static long Unix(DateTimeOffset time) => time.ToUnixTimeSeconds();

    public static long? Unix(DateTimeOffset? time) => time?.ToUnixTimeSeconds();
}
