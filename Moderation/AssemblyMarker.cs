namespace Platform.Moderation;

/// <summary>The moderation policy and classifiers arrive with the moderation issue; this marks the assembly until then.</summary>
public static class ModerationAssembly;
