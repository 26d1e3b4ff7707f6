using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;

namespace Platform.Api.Tools;

/// <summary>A function the model may call: OpenAI's <c>tools[].function</c>.</summary>
internal sealed record ToolFunction(string Name, string? Description, JsonElement? Parameters, bool Strict);

/// <summary>How the model must use its tools: OpenAI's <c>tool_choice</c>.</summary>
internal enum ToolChoiceMode
{
    None,
    Auto,
    Required,
    Named,
}

/// <summary>
/// The tools of a chat request, with <c>tool_choice</c> and <c>parallel_tool_calls</c>; the legacy
/// <c>functions</c>/<c>function_call</c> are read onto the same shape.
/// </summary>
internal sealed record ToolRequest(IReadOnlyList<ToolFunction> Functions, ToolChoiceMode Mode, string? Forced, bool Parallel)
{
    public static ToolRequest? Read(JsonRequest request)
    {
        var legacy = request.Get("functions") is not null && request.Get("tools") is null;
        var listParam = legacy ? "functions" : "tools";
        var choiceParam = legacy ? "function_call" : "tool_choice";
        if (legacy && request.Has("function_call") && request.Has("tool_choice"))
        {
            throw ApiException.InvalidRequest("Send either 'tool_choice' or the legacy 'function_call', not both.", "function_call");
        }

        var functions = ReadFunctions(request.Get(listParam), listParam, legacy);
        var parallel = request.OptionalBool("parallel_tool_calls") ?? !legacy;
        var choice = request.Get(choiceParam);
        if (functions.Count == 0)
        {
            if (choice is { } c && !(c.ValueKind == JsonValueKind.String && c.GetString() == "none"))
            {
                throw ApiException.InvalidRequest($"'{choiceParam}' is only allowed when '{listParam}' are specified.", choiceParam);
            }

            return null;
        }

        var (mode, forced) = ReadChoice(choice, choiceParam, legacy, functions);
        return new ToolRequest(functions, mode, forced, parallel);
    }

    private static List<ToolFunction> ReadFunctions(JsonElement? list, string param, bool legacy)
    {
        if (list is not { } tools)
        {
            return [];
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.InvalidType(param, "an array", JsonRequest.Describe(tools));
        }

        if (tools.GetArrayLength() > 128)
        {
            throw ApiException.InvalidValue(param, $"at most 128 are allowed; got {tools.GetArrayLength()}.");
        }

        var functions = new List<ToolFunction>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var itemParam = $"{param}[{index++}]";
            var function = legacy ? tool : ToolFunctionOf(tool, itemParam);
            var functionParam = legacy ? itemParam : $"{itemParam}.function";
            var read = ReadFunction(function, functionParam);
            if (functions.Any(f => f.Name == read.Name))
            {
                throw ApiException.InvalidValue($"{functionParam}.name", $"the function name '{read.Name}' is used more than once; names must be unique.");
            }

            functions.Add(read);
        }

        return functions;
    }

    private static JsonElement ToolFunctionOf(JsonElement tool, string param)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(param, "an object", JsonRequest.Describe(tool));
        }

        if (!tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Missing($"{param}.type");
        }

        if (type.GetString() != "function")
        {
            throw ApiException.InvalidValue($"{param}.type", $"only 'function' tools are supported; got '{type.GetString()}'.");
        }

        return tool.TryGetProperty("function", out var function) ? function : throw ApiException.Missing($"{param}.function");
    }

    private static ToolFunction ReadFunction(JsonElement function, string param)
    {
        if (function.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(param, "an object", JsonRequest.Describe(function));
        }

        if (!function.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Missing($"{param}.name");
        }

        var name = nameElement.GetString()!;
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw ApiException.InvalidValue($"{param}.name", $"'{name}' must be 1 to 64 characters of a-z, A-Z, 0-9, underscores and dashes.");
        }

        var description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        JsonElement? parameters = function.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null ? p.Clone() : null;
        if (parameters is { ValueKind: not JsonValueKind.Object })
        {
            throw ApiException.InvalidType($"{param}.parameters", "an object", JsonRequest.Describe(parameters.Value));
        }

        var strict = function.TryGetProperty("strict", out var s) && s.ValueKind == JsonValueKind.True;
        if (parameters is { } schema)
        {
            SchemaCheck.Compile(schema, strict, $"{param}.parameters");
        }

        return new ToolFunction(name, description, parameters, strict);
    }

    private static (ToolChoiceMode Mode, string? Forced) ReadChoice(JsonElement? choice, string param, bool legacy, List<ToolFunction> functions)
    {
        if (choice is not { } value)
        {
            return (ToolChoiceMode.Auto, null);
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() switch
            {
                "none" => (ToolChoiceMode.None, null),
                "auto" => (ToolChoiceMode.Auto, null),
                "required" when !legacy => (ToolChoiceMode.Required, null),
                var other => throw ApiException.InvalidValue(param, $"'{other}' is not one of {(legacy ? "'none', 'auto'" : "'none', 'auto', 'required'")} or a named function."),
            };
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(param, "a string or an object", JsonRequest.Describe(value));
        }

        var function = legacy ? value : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("function", out var f) ? f : default;
        if (!legacy && !(value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "function"))
        {
            throw ApiException.InvalidValue(param, "a named choice must be {\"type\": \"function\", \"function\": {\"name\": ...}}.");
        }

        if (function.ValueKind != JsonValueKind.Object || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Missing(legacy ? $"{param}.name" : $"{param}.function.name");
        }

        var forced = name.GetString()!;
        if (functions.All(t => t.Name != forced))
        {
            throw ApiException.InvalidValue(param, $"the function '{forced}' is not among the tools of this request.");
        }

        return (ToolChoiceMode.Named, forced);
    }
}
