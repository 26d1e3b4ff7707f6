using Platform.Api.Errors;
using Platform.Api.Tools;
using Platform.Inference.Constraints;
using Platform.Inference.Constraints.Tools;
using Platform.Inference.Models;

namespace Platform.Api.Chat;

/// <summary>What a chat request's output is held to: a JSON schema, any JSON object, tool calls in the model's syntax, or nothing.</summary>
internal sealed record ChatConstraints(TokenConstraint? Constraint, ToolCallSyntax? ToolSyntax)
{
    public static ChatConstraints For(LoadedModel model, ChatRequest request, ApiOptions options)
    {
        if (request.Tools is { } tools)
        {
            return ForTools(model, tools, request.Format, options);
        }

        return request.Format.Type switch
        {
            "json_object" => new ChatConstraints(model.Constraints.ForJsonObject(), null),
            "json_schema" => new ChatConstraints(model.Constraints.ForSchema(request.Format.Schema!.Value, request.Format.Strict), null),
            _ => new ChatConstraints(null, null),
        };
    }

    /// <summary>The request's max tokens must leave room for the shortest output the constraint allows.</summary>
    public void CheckRoom(int maxTokens, bool tokensParamIsLegacy)
    {
        if (Constraint is { } constraint && maxTokens < constraint.MinTokens)
        {
            var param = tokensParamIsLegacy ? "max_tokens" : "max_completion_tokens";
            throw ApiException.InvalidValue(param, $"the shortest output that satisfies the requested format needs up to {constraint.MinTokens} tokens; got {maxTokens}.");
        }
    }

    private static ChatConstraints ForTools(LoadedModel model, ToolRequest tools, ResponseFormat format, ApiOptions options)
    {
        var syntax = options.ToolCallFormats.TryGetValue(model.Name, out var configured)
            ? ToolCallSyntax.Named(configured)
            : ToolCallSyntax.Detect(model.ChatTemplate.Template.Source);
        if (syntax is null)
        {
            throw ApiException.InvalidRequest(
                $"The model '{model.Name}' has no known tool-call format (its chat template shows none); configure Api:ToolCallFormats:{model.Name} as 'hermes' or 'phi4' to use 'tools'.",
                "tools",
                "tools_not_supported");
        }

        if (!format.IsText && tools.Mode is ToolChoiceMode.Auto or ToolChoiceMode.None)
        {
            throw ApiException.Unsupported("response_format", "'response_format' other than 'text' cannot be combined with 'tools' unless 'tool_choice' forces a call.");
        }

        var functions = tools.Functions
            .Where(f => tools.Mode != ToolChoiceMode.Named || f.Name == tools.Forced)
            .Select(f => new ToolGrammarFunction(f.Name, f.Parameters, f.Strict))
            .ToList();
        var key = $"tools:{syntax.Name}:{tools.Mode}:{tools.Parallel}:" + string.Join('\u0001', functions.Select(f => $"{f.Name}\u0002{f.Strict}\u0002{f.Parameters?.GetRawText()}"));
        var constraint = model.Constraints.GetOrCompile(key, () => tools.Mode switch
        {
            ToolChoiceMode.None => ToolCallGrammar.TextOnly(syntax),
            ToolChoiceMode.Auto => ToolCallGrammar.TextOrCalls(syntax, functions, tools.Parallel),
            _ => ToolCallGrammar.Calls(syntax, functions, tools.Parallel),
        });
        return new ChatConstraints(constraint, tools.Mode == ToolChoiceMode.None ? null : syntax);
    }
}
