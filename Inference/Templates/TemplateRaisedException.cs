namespace Platform.Inference.Templates;

/// <summary>
/// The template called <c>raise_exception(msg)</c>, usually to reject a conversation it cannot format
/// (a system role it does not support, roles that do not alternate). <see cref="Exception.Message"/> is <c>msg</c> exactly,
/// so callers can show it to the client as the reason the request is invalid.
/// </summary>
public sealed class TemplateRaisedException : Exception
{
    public TemplateRaisedException()
    {
    }

    public TemplateRaisedException(string message)
        : base(message)
    {
    }

    public TemplateRaisedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
