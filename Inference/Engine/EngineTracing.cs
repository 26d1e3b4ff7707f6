using System.Diagnostics;

namespace Platform.Inference.Engine;

/// <summary>The engine's spans, under the request's: <c>prefill</c> and <c>decode</c> of each sequence.</summary>
public static class EngineTracing
{
    public const string SourceName = "Platform.Inference";

    /// <summary>The decode span records an event every this many generated tokens, not one per token.</summary>
    public const int TokensPerEvent = 16;

    internal static readonly ActivitySource Source = new(SourceName);
}
