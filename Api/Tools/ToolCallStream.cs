using System.Text;
using System.Text.Json;
using Platform.Inference.Constraints.Tools;

namespace Platform.Api.Tools;

/// <summary>
/// Splits one choice's generated text, as it streams, into content and tool calls in the model's syntax. Text
/// that may be the start of the call markup is held back until it is known not to be, so no markup ever
/// reaches the client as text; a call is reported once its markup closes (name first, then its arguments).
/// </summary>
internal sealed class ToolCallStream(ToolCallSyntax syntax)
{
    private readonly StringBuilder _pending = new();
    private bool _inCalls;
    private int _calls;

    public int CallCount => _calls;

    public List<ToolCallEvent> Push(string text)
    {
        _pending.Append(text);
        var events = new List<ToolCallEvent>();
        while (true)
        {
            var buffer = _pending.ToString();
            if (!_inCalls)
            {
                var start = buffer.IndexOf(syntax.Trigger, StringComparison.Ordinal);
                var safe = start >= 0 ? start : buffer.Length - HeldBack(buffer);
                if (safe > 0)
                {
                    events.Add(new ContentEvent(buffer[..safe]));
                    _pending.Remove(0, safe);
                }

                if (start < 0)
                {
                    return events;
                }

                _inCalls = true;
                continue;
            }

            if (!TryTakeBlock(buffer, events))
            {
                return events;
            }
        }
    }

    /// <summary>At the end of the choice: an unfinished call (cut off by the token limit) is dropped, never shown as text.</summary>
    public List<ToolCallEvent> Finish()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return !_inCalls && rest.Length > 0 ? [new ContentEvent(rest)] : [];
    }

    /// <summary>Takes one whole call block off the front of the buffer; false while it is unfinished.</summary>
    private bool TryTakeBlock(string buffer, List<ToolCallEvent> events)
    {
        // Between calls (a newline in Hermes style) nothing is content; text that opens no call ends the calls.
        var trimmed = buffer.TrimStart();
        if (!trimmed.StartsWith(syntax.Trigger, StringComparison.Ordinal))
        {
            if (trimmed.Length == 0 || syntax.Trigger.StartsWith(trimmed, StringComparison.Ordinal))
            {
                return false;
            }

            _inCalls = false;
            return true;
        }

        var end = trimmed.IndexOf(syntax.EndMarker, StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var body = trimmed[syntax.Trigger.Length..end].Trim();
        _pending.Remove(0, buffer.Length - trimmed.Length + end + syntax.EndMarker.Length);
        try
        {
            using var document = JsonDocument.Parse(body);
            var calls = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new[] { document.RootElement };
            foreach (var call in calls)
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    var arguments = call.TryGetProperty("arguments", out var a) ? a.GetRawText() : "{}";
                    var index = _calls++;
                    events.Add(new CallEvent(index, $"call_{Guid.NewGuid():N}"[..29], name.GetString(), string.Empty));
                    events.Add(new CallEvent(index, null, null, arguments));
                }
            }
        }
        catch (JsonException)
        {
            // Only unconstrained generation can write a malformed call; it is dropped like an unfinished one.
        }

        return true;
    }

    /// <summary>How many characters at the end of <paramref name="buffer"/> could begin the trigger.</summary>
    private int HeldBack(string buffer)
    {
        for (var length = Math.Min(buffer.Length, syntax.Trigger.Length - 1); length > 0; length--)
        {
            if (syntax.Trigger.AsSpan(0, length).SequenceEqual(buffer.AsSpan(buffer.Length - length)))
            {
                return length;
            }
        }

        return 0;
    }
}
