namespace Platform.Moderation.Rules;

/// <summary>The rules file is missing or malformed; the message names the file and the rule.</summary>
public sealed class ModerationRulesException(string message, Exception? inner = null) : Exception(message, inner);
