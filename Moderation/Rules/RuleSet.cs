namespace Platform.Moderation.Rules;

/// <summary>One word of a phrase: a word id, whether common suffixes may follow it (<c>kill*</c>), or any word (<c>?</c>).</summary>
internal readonly record struct PhraseWord(int Id, bool Star, bool Any);

/// <summary>A phrase of a rule's group; <see cref="Group"/> indexes all groups of all rules.</summary>
internal sealed record Phrase(int Group, PhraseWord[] Words, string Text);

/// <summary>
/// A rule: every group must match within <see cref="Window"/> words of the first group's match (a lexicon rule is one
/// group); a match adds <see cref="Weights"/> (per category index, possibly negative) to the text's sums.
/// </summary>
internal sealed record CompiledRule(string Id, int FirstGroup, int GroupCount, int Window, double[] Weights);
