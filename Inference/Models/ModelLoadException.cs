namespace Platform.Inference.Models;

/// <summary>A model folder that cannot be served, with the model, file and field at fault in the message.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string model, string file, string? field, string problem, Exception? inner = null)
        : base(Describe(model, file, field, problem), inner)
    {
        Model = model;
        File = file;
        Field = field;
    }

    public ModelLoadException()
    {
    }

    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Model { get; } = string.Empty;

    public string File { get; } = string.Empty;

    public string? Field { get; }

    private static string Describe(string model, string file, string? field, string problem) =>
        field is null
            ? $"Model '{model}': {file}: {problem}"
            : $"Model '{model}': {file}: field '{field}': {problem}";
}
