namespace Platform.Api.Tools;

/// <summary>Finds where a JSON value ends as its characters arrive: brackets and braces counted outside strings, escapes skipped.</summary>
internal sealed class ArgumentsScanner
{
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _scalar;

    public enum Result
    {
        /// <summary>The character is part of the value (or whitespace before it), which goes on.</summary>
        Inside,

        /// <summary>The character ends the value.</summary>
        Last,

        /// <summary>The value ended before this character (a number or literal met its delimiter).</summary>
        After,
    }

    public bool Started { get; private set; }

    public void Reset()
    {
        _depth = 0;
        _inString = _escaped = _scalar = false;
        Started = false;
    }

    public Result Take(char c)
    {
        if (!Started)
        {
            if (char.IsWhiteSpace(c))
            {
                return Result.Inside;
            }

            Started = true;
            _scalar = c is not ('{' or '[' or '"');
        }

        if (_scalar)
        {
            return c is ',' or '}' or ']' || char.IsWhiteSpace(c) ? Result.After : Result.Inside;
        }

        if (_inString)
        {
            if (_escaped)
            {
                _escaped = false;
            }
            else if (c == '\\')
            {
                _escaped = true;
            }
            else if (c == '"')
            {
                _inString = false;
                return _depth == 0 ? Result.Last : Result.Inside;
            }

            return Result.Inside;
        }

        switch (c)
        {
            case '"':
                _inString = true;
                break;
            case '{' or '[':
                _depth++;
                break;
            case '}' or ']':
                _depth--;
                return _depth == 0 ? Result.Last : Result.Inside;
        }

        return Result.Inside;
    }
}
