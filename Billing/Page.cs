namespace Platform.Billing;

/// <summary>
/// One page of a list in id order: at most <paramref name="Limit"/> items with ids greater than <paramref name="After"/>
/// (OpenAI's <c>limit</c> and <c>after</c>; the last id of a page is the cursor of the next).
/// </summary>
public sealed record PageRequest(int Limit = PageRequest.DefaultLimit, long? After = null)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
}

/// <summary>A page of items; <paramref name="HasMore"/> says whether a next page exists.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore);
