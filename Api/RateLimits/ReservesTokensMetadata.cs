namespace Platform.Api.RateLimits;

/// <summary>
/// Marks endpoints that reserve tokens (<see cref="TokenReservation"/>): the <c>tier</c> policy leaves their request
/// to be taken from requests per minute in the same store call as the tokens, once the prompt is tokenized.
/// </summary>
internal sealed class ReservesTokensMetadata
{
    public static readonly ReservesTokensMetadata Instance = new();

    private ReservesTokensMetadata()
    {
    }
}
