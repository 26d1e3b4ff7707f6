using System.Text;

namespace Platform.Inference.Engine;

/// <summary>
/// Applies stop sequences to streamed text. Text that could still be the start of a stop sequence is held back,
/// so a stop split across tokens is caught and its text never reaches the client.
/// </summary>
internal sealed class StopSequenceFilter(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _held = new();

    /// <summary>Adds text; returns what is safe to emit, and whether a stop sequence matched (nothing follows it).</summary>
    public (string Emit, bool Stopped) Push(string text)
    {
        if (stops.Count == 0)
        {
            return (text, false);
        }

        _held.Append(text);
        var buffer = _held.ToString();
        var earliest = -1;
        foreach (var stop in stops)
        {
            var index = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (earliest < 0 || index < earliest))
            {
                earliest = index;
            }
        }

        if (earliest >= 0)
        {
            _held.Clear();
            return (buffer[..earliest], true);
        }

        var keep = LongestPossibleStart(buffer);
        _held.Clear().Append(buffer, buffer.Length - keep, keep);
        return (buffer[..^keep], false);
    }

    /// <summary>At the end of generation, whatever was held back is plain text after all.</summary>
    public string Flush()
    {
        var rest = _held.ToString();
        _held.Clear();
        return rest;
    }

    /// <summary>Length of the longest suffix of <paramref name="buffer"/> that is a proper prefix of some stop sequence.</summary>
    private int LongestPossibleStart(string buffer)
    {
        var best = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, buffer.Length); length > best; length--)
            {
                if (buffer.AsSpan(buffer.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    best = length;
                    break;
                }
            }
        }

        return best;
    }
}
