namespace Platform.Api.Tests.Support;

/// <summary>
/// One way an instance fails a schema: where (<see cref="Path"/>) and what (<see cref="Message"/>).
/// <see cref="IsMismatch"/> marks a wrong type or literal (type, enum, const) of the value at <see cref="Path"/> itself;
/// anyOf/oneOf use it to tell the alternative that was meant from the ones that were not.
/// </summary>
internal sealed record SchemaError(string Path, string Message, bool IsMismatch = false)
{
    public override string ToString() => $"{Path}: {Message}";
}
