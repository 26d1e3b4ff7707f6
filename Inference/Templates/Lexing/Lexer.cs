namespace Platform.Inference.Templates.Lexing;

/// <summary>
/// Splits a template into text and tag tokens with the whitespace handling transformers renders chat templates with:
/// one trailing newline of the template dropped, <c>trim_blocks</c> (the newline after <c>%}</c> or <c>#}</c> dropped),
/// <c>lstrip_blocks</c> (spaces and tabs between a line start and <c>{%</c> or <c>{#</c> dropped), and the
/// <c>-</c> markers that strip all whitespace on their side. Comments produce no token.
/// </summary>
internal sealed partial class Lexer
{
    private readonly string _source;
    private readonly int _end;
    private readonly List<Token> _tokens = [];
    private int _position;

    // A comment between a text and a `{%-` keeps that text's whitespace, as in the reference lexer.
    private bool _lastIsText;

    private Lexer(string source)
    {
        _source = source;
        _end = source.EndsWith('\n') ? source.Length - 1 : source.Length;
    }

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_position < _end)
        {
            var tagStart = FindTagStart(_position);
            EmitText(_position, tagStart);
            if (tagStart == _end)
            {
                break;
            }

            var marker = _source[tagStart + 1];
            _position = tagStart + 2;
            var stripBefore = _position < _end && _source[_position] == '-';
            if (stripBefore)
            {
                StripTrailingWhitespaceOfLastText();
            }

            switch (marker)
            {
                case '#':
                    LexComment(tagStart, stripBefore);
                    break;
                case '%':
                    _position += stripBefore ? 1 : 0;
                    _tokens.Add(new Token(TokenKind.OpenStatement, "{%", tagStart));
                    LexTag(tagStart, isStatement: true);
                    break;
                default:
                    _position += stripBefore ? 1 : 0;
                    _tokens.Add(new Token(TokenKind.OpenExpression, "{{", tagStart));
                    LexTag(tagStart, isStatement: false);
                    break;
            }

            _lastIsText = false;
        }

        _tokens.Add(new Token(TokenKind.EndOfTemplate, string.Empty, _end));
    }

    private int FindTagStart(int from)
    {
        for (var i = from; i + 1 < _end; i++)
        {
            if (_source[i] == '{' && _source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return _end;
    }

    private void EmitText(int start, int end)
    {
        if (end < _end && _source[end + 1] is '%' or '#')
        {
            // lstrip_blocks: only when nothing but spaces and tabs stands between the line start and the tag.
            var k = end;
            while (k > start && _source[k - 1] is ' ' or '\t')
            {
                k--;
            }

            if (k == 0 || JsWhitespace.IsLineTerminator(_source[k - 1]))
            {
                end = k;
            }
        }

        if (end > start)
        {
            _tokens.Add(new Token(TokenKind.Text, RegexQuirks(start, end), start));
            _lastIsText = true;
        }
    }

    /// <summary>
    /// The reference implementation applies trim_blocks and lstrip_blocks as regular expressions over the whole source,
    /// so plain text is affected too: a newline after <c>%}</c>, <c>#}</c> or <c>-}</c> is dropped, and so are spaces
    /// and tabs between a line start and <c>{-</c>. Reproduced here so such text renders identically.
    /// </summary>
    private string RegexQuirks(int start, int end)
    {
        var text = _source[start..end];
        if (!text.Contains("}\n", StringComparison.Ordinal) && !text.Contains("{-", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        for (var i = start; i < end; i++)
        {
            var c = _source[i];
            if (c == '\n' && i - 2 >= start && _source[i - 1] == '}' && _source[i - 2] is '#' or '%' or '-')
            {
                continue;
            }

            if (c is ' ' or '\t' && (i == 0 || JsWhitespace.IsLineTerminator(_source[i - 1])))
            {
                var k = i;
                while (k < end && _source[k] is ' ' or '\t')
                {
                    k++;
                }

                if (k + 1 < end && _source[k] == '{' && _source[k + 1] == '-')
                {
                    i = k - 1;
                    continue;
                }
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private void StripTrailingWhitespaceOfLastText()
    {
        if (!_lastIsText)
        {
            return;
        }

        var last = _tokens[^1];
        var trimmed = JsWhitespace.TrimEnd(last.Value);
        if (trimmed.Length == 0)
        {
            _tokens.RemoveAt(_tokens.Count - 1);
            _lastIsText = false;
        }
        else
        {
            _tokens[^1] = last with { Value = trimmed };
        }
    }

    private void LexComment(int tagStart, bool stripBefore)
    {
        var contentStart = _position + (stripBefore ? 1 : 0);
        var close = _source.IndexOf("#}", contentStart, _end - contentStart, StringComparison.Ordinal);
        if (close < 0)
        {
            throw SourceText.Error(_source, tagStart, "Missing end of comment tag '#}'");
        }

        var stripAfter = close > contentStart && _source[close - 1] == '-';
        _position = close + 2;
        AfterTag(stripAfter, trimNewline: true);
    }

    private void AfterTag(bool stripAfter, bool trimNewline)
    {
        if (stripAfter)
        {
            while (_position < _end && JsWhitespace.Is(_source[_position]))
            {
                _position++;
            }
        }
        else if (trimNewline && _position < _end && _source[_position] == '\n')
        {
            _position++;
        }
    }

    private bool At(string text) =>
        _position + text.Length <= _end && _source.AsSpan(_position, text.Length).SequenceEqual(text);
}
