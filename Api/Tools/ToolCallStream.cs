using System.Text;
using Platform.Inference.Constraints.Tools;

namespace Platform.Api.Tools;

/// <summary>
/// Splits one choice's generated text, as it streams, into content and tool calls in the model's syntax. Text
/// that may be the start of the call markup is held back until it is known not to be, so no markup ever
/// reaches the client as text; inside the markup a call is reported as the model writes it (its id and name once
/// the name is complete, then its arguments piece by piece, see <see cref="CallBlockReader"/>).
/// </summary>
internal sealed class ToolCallStream(ToolCallSyntax syntax)
{
    private readonly StringBuilder _pending = new();
    private CallBlockReader? _block;
    private bool _afterBlocks;
    private int _startedBefore;
    private int _completedBefore;

    /// <summary>Calls begun so far (their first fragment sent).</summary>
    public int CallCount => _startedBefore + (_block?.Started ?? 0);

    /// <summary>Calls whose object has closed: a response that is not streamed reports only these.</summary>
    public int CompletedCount => _completedBefore + (_block?.Completed ?? 0);

    public List<ToolCallEvent> Push(string text)
    {
        _pending.Append(text);
        var events = new List<ToolCallEvent>();
        while (true)
        {
            var buffer = _pending.ToString();
            if (_block is { } block)
            {
                _pending.Remove(0, block.Read(buffer, 0, events));
                if (!block.IsDone)
                {
                    return events;
                }

                _startedBefore += block.Started;
                _completedBefore += block.Completed;
                _block = null;
                _afterBlocks = true;
                continue;
            }

            if (_afterBlocks)
            {
                // Between calls (a newline in Hermes style) nothing is content; text that opens no call ends the calls.
                var trimmed = buffer.TrimStart();
                if (trimmed.StartsWith(syntax.Trigger, StringComparison.Ordinal))
                {
                    _pending.Remove(0, buffer.Length - trimmed.Length + syntax.Trigger.Length);
                    _block = new CallBlockReader(syntax, CallCount);
                    continue;
                }

                if (trimmed.Length == 0 || syntax.Trigger.StartsWith(trimmed, StringComparison.Ordinal))
                {
                    return events;
                }

                _afterBlocks = false;
            }

            var start = buffer.IndexOf(syntax.Trigger, StringComparison.Ordinal);
            var safe = start >= 0 ? start : buffer.Length - HeldBack(buffer);
            if (safe > 0)
            {
                events.Add(new ContentEvent(buffer[..safe]));
            }

            if (start < 0)
            {
                _pending.Remove(0, safe);
                return events;
            }

            _pending.Remove(0, start + syntax.Trigger.Length);
            _block = new CallBlockReader(syntax, CallCount);
        }
    }

    /// <summary>
    /// At the end of the choice: held-back text that never became markup is content. A call cut off by the token
    /// limit is not completed (a stream has sent what it had; <see cref="CompletedCount"/> leaves it out).
    /// </summary>
    public List<ToolCallEvent> Finish()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return _block is null && !_afterBlocks && rest.Length > 0 ? [new ContentEvent(rest)] : [];
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
