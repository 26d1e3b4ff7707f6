using System.Text;
using System.Text.Json;
using Platform.Inference.Constraints.Tools;

namespace Platform.Api.Tools;

/// <summary>
/// Reads one block of tool-call markup (after its trigger, through its end marker) a character at a time, as the
/// model writes it: a call's first event (id and name) as soon as its name closes, then its <c>arguments</c> text
/// piece by piece up to the end of the arguments value. Both syntaxes write <c>{"name": ..., "arguments": ...}</c>
/// (Phi-4 style as a list); a block written another way (only unconstrained text could) is read whole at its end
/// marker instead, and the calls it holds beyond those already reported are reported then.
/// </summary>
internal sealed class CallBlockReader(ToolCallSyntax syntax, int firstIndex)
{
    // A space in a pattern stands for optional JSON whitespace.
    private const string CallPrefix = " { \"name\" : \"";
    private const string BeforeArguments = " , \"arguments\" :";
    private const string CallClose = " }";

    private readonly StringBuilder _raw = new();
    private readonly StringBuilder _name = new();
    private readonly ArgumentsScanner _arguments = new();
    private Phase _phase = syntax.BlockPerCall ? Phase.Prefix : Phase.ListOpen;
    private string _pattern = syntax.BlockPerCall ? CallPrefix : " [";
    private int _matched;

    private enum Phase
    {
        ListOpen,
        Prefix,
        Name,
        BeforeArguments,
        Arguments,
        Close,
        AfterCall,
        EndMarker,
        Whole,
        Done,
    }

    /// <summary>Calls whose name has been reported.</summary>
    public int Started { get; private set; }

    /// <summary>Calls whose object has closed: what a whole (not streamed) response reports.</summary>
    public int Completed { get; private set; }

    public bool IsDone => _phase == Phase.Done;

    /// <summary>Reads <paramref name="text"/> from <paramref name="start"/> until the block ends; returns the characters read.</summary>
    public int Read(string text, int start, List<ToolCallEvent> events)
    {
        var arguments = new StringBuilder();
        var i = start;
        while (i < text.Length && _phase != Phase.Done)
        {
            var c = text[i];
            if (Take(c, arguments, events))
            {
                _raw.Append(c);
                i++;
            }
        }

        Flush(arguments, events);
        return i - start;
    }

    /// <summary>Takes one character, or returns false to see it again in the next phase (it ended a number or literal).</summary>
    private bool Take(char c, StringBuilder arguments, List<ToolCallEvent> events)
    {
        switch (_phase)
        {
            case Phase.Name:
                if (c == '"')
                {
                    events.Add(new CallEvent(firstIndex + Started++, $"call_{Guid.NewGuid():N}"[..29], _name.ToString(), string.Empty));
                    Expect(Phase.BeforeArguments, BeforeArguments);
                }
                else
                {
                    _name.Append(c);
                }

                return true;
            case Phase.Arguments:
                switch (_arguments.Take(c))
                {
                    case ArgumentsScanner.Result.Inside:
                        if (!char.IsWhiteSpace(c) || _arguments.Started)
                        {
                            arguments.Append(c);
                        }

                        return true;
                    case ArgumentsScanner.Result.Last:
                        arguments.Append(c);
                        Flush(arguments, events);
                        Expect(Phase.Close, CallClose);
                        return true;
                    default:
                        Flush(arguments, events);
                        Expect(Phase.Close, CallClose);
                        return false;
                }

            case Phase.AfterCall:
                if (char.IsWhiteSpace(c))
                {
                    return true;
                }

                if (c == ',')
                {
                    Expect(Phase.Prefix, CallPrefix);
                    return true;
                }

                Expect(Phase.EndMarker, " ]" + syntax.EndMarker);
                return false;
            case Phase.Whole:
                if (_raw.Length + 1 >= syntax.EndMarker.Length && EndsWithMarker(c))
                {
                    ReadWhole(events);
                    _phase = Phase.Done;
                }

                return true;
            default:
                return Match(c);
        }
    }

    /// <summary>One character against the current fixed pattern; a mismatch reads the rest of the block whole.</summary>
    private bool Match(char c)
    {
        while (_matched < _pattern.Length && _pattern[_matched] == ' ')
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }

            _matched++;
        }

        if (_matched < _pattern.Length && _pattern[_matched] == c)
        {
            _matched++;
            if (_matched == _pattern.Length)
            {
                Advance();
            }

            return true;
        }

        _phase = Phase.Whole;
        return false;
    }

    private void Advance()
    {
        switch (_phase)
        {
            case Phase.ListOpen:
                Expect(Phase.Prefix, CallPrefix);
                break;
            case Phase.Prefix:
                _name.Clear();
                _phase = Phase.Name;
                break;
            case Phase.BeforeArguments:
                _arguments.Reset();
                _phase = Phase.Arguments;
                break;
            case Phase.Close:
                Completed++;
                if (syntax.BlockPerCall)
                {
                    Expect(Phase.EndMarker, " " + syntax.EndMarker);
                }
                else
                {
                    _phase = Phase.AfterCall;
                }

                break;
            case Phase.EndMarker:
                _phase = Phase.Done;
                break;
        }
    }

    private void Expect(Phase phase, string pattern)
    {
        _phase = phase;
        _pattern = pattern;
        _matched = 0;
    }

    private void Flush(StringBuilder arguments, List<ToolCallEvent> events)
    {
        if (arguments.Length > 0)
        {
            events.Add(new CallEvent(firstIndex + Started - 1, null, null, arguments.ToString()));
            arguments.Clear();
        }
    }

    private bool EndsWithMarker(char c)
    {
        var marker = syntax.EndMarker;
        if (c != marker[^1])
        {
            return false;
        }

        for (var k = 0; k < marker.Length - 1; k++)
        {
            if (_raw[_raw.Length - (marker.Length - 1) + k] != marker[k])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The block read whole: the calls in it after those already reported.</summary>
    private void ReadWhole(List<ToolCallEvent> events)
    {
        var body = _raw.ToString(0, _raw.Length - (syntax.EndMarker.Length - 1)).Trim();
        try
        {
            using var document = JsonDocument.Parse(body);
            var calls = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new[] { document.RootElement };
            foreach (var call in calls.Skip(Started))
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    var index = firstIndex + Started++;
                    Completed++;
                    events.Add(new CallEvent(index, $"call_{Guid.NewGuid():N}"[..29], name.GetString(), string.Empty));
                    events.Add(new CallEvent(index, null, null, call.TryGetProperty("arguments", out var a) ? a.GetRawText() : "{}"));
                }
            }
        }
        catch (JsonException)
        {
            // Only unconstrained generation can write a malformed block; it is dropped like an unfinished one.
        }
    }
}
