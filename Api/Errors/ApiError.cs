namespace Platform.Api.Errors;

/// <summary>OpenAI's error object: all four keys are always present; <c>param</c> and <c>code</c> may be null.</summary>
internal sealed record ErrorBody(string Message, string Type, string? Param, string? Code);

internal sealed record ErrorResponse(ErrorBody Error);

/// <summary>
/// A request that fails in a way the client should hear about, with the status and OpenAI error fields to send.
/// Thrown anywhere in request handling; <see cref="ErrorHandlingMiddleware"/> writes it.
/// </summary>
internal sealed class ApiException(int status, string message, string type, string? param, string? code) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public ErrorResponse ToResponse() => new(new ErrorBody(Message, Type, Param, Code));

    public static ApiException InvalidRequest(string message, string? param, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    public static ApiException InvalidValue(string param, string requirement) =>
        InvalidRequest($"Invalid value for '{param}': {requirement}", param, "invalid_value");

    public static ApiException InvalidType(string param, string expected, string got) =>
        InvalidRequest($"Invalid type for '{param}': expected {expected}, but got {got} instead.", param, "invalid_type");

    public static ApiException Missing(string param) =>
        InvalidRequest($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static ApiException Unsupported(string param, string message) =>
        InvalidRequest(message, param, "unsupported_parameter");

    public static ApiException ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, $"The model '{model}' does not exist or you do not have access to it.", "invalid_request_error", "model", "model_not_found");
}
