namespace Platform.Api.Auth;

/// <summary>
/// What to drop from <see cref="ApiKeyCache"/>: one key by id, one by secret hash, or (both null) everything. Small
/// and serialisable, so the integrator can publish it to the other replicas (Redis pub/sub) as it is.
/// </summary>
internal sealed record ApiKeyInvalidation(long? KeyId = null, string? SecretHash = null)
{
    public static ApiKeyInvalidation All { get; } = new();

    public bool IsAll => KeyId is null && SecretHash is null;
}
