using System.Globalization;
using System.Text;

namespace Platform.Inference.Templates.Lexing;

/// <summary>The tokens inside <c>{{ }}</c> and <c>{% %}</c>.</summary>
internal sealed partial class Lexer
{
    private void LexTag(int tagStart, bool isStatement)
    {
        var braceDepth = 0;
        while (true)
        {
            while (_position < _end && JsWhitespace.Is(_source[_position]))
            {
                _position++;
            }

            if (_position >= _end)
            {
                throw SourceText.Error(_source, tagStart, isStatement ? "Unclosed statement tag: expected '%}'" : "Unclosed expression tag: expected '}}'");
            }

            if (TryClose(isStatement, braceDepth))
            {
                return;
            }

            var token = NextToken();
            braceDepth += token.Kind switch
            {
                TokenKind.LeftBrace => 1,
                TokenKind.RightBrace => -1,
                _ => 0,
            };
            _tokens.Add(token);
        }
    }

    private bool TryClose(bool isStatement, int braceDepth)
    {
        var closer = isStatement ? "%}" : "}}";
        if (!isStatement && braceDepth > 0)
        {
            // Inside a dict literal `}}` closes two braces, not the tag.
            return false;
        }

        var start = _position;
        var stripAfter = _source[_position] == '-' && _position + 1 < _end && At1(closer);
        if (!stripAfter && !At(closer))
        {
            return false;
        }

        _position += closer.Length + (stripAfter ? 1 : 0);
        _tokens.Add(new Token(isStatement ? TokenKind.CloseStatement : TokenKind.CloseExpression, closer, start));
        AfterTag(stripAfter, trimNewline: isStatement);
        return true;
    }

    private bool At1(string text) =>
        _position + 1 + text.Length <= _end && _source.AsSpan(_position + 1, text.Length).SequenceEqual(text);

    private Token NextToken()
    {
        var start = _position;
        var c = _source[_position];
        if (c is '\'' or '"')
        {
            return new Token(TokenKind.String, ReadString(c), start);
        }

        if (char.IsAsciiDigit(c))
        {
            return ReadNumber();
        }

        if (IsWordChar(c))
        {
            while (_position < _end && IsWordChar(_source[_position]))
            {
                _position++;
            }

            return new Token(TokenKind.Name, _source[start.._position], start);
        }

        var next = _position + 1 < _end ? _source[_position + 1] : '\0';
        var (kind, length) = (c, next) switch
        {
            ('*', '*') => (TokenKind.StarStar, 2),
            ('/', '/') => (TokenKind.SlashSlash, 2),
            ('=', '=') => (TokenKind.Equal, 2),
            ('!', '=') => (TokenKind.NotEqual, 2),
            ('<', '=') => (TokenKind.LessEqual, 2),
            ('>', '=') => (TokenKind.GreaterEqual, 2),
            ('(', _) => (TokenKind.LeftParen, 1),
            (')', _) => (TokenKind.RightParen, 1),
            ('[', _) => (TokenKind.LeftBracket, 1),
            (']', _) => (TokenKind.RightBracket, 1),
            ('{', _) => (TokenKind.LeftBrace, 1),
            ('}', _) => (TokenKind.RightBrace, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('.', _) => (TokenKind.Dot, 1),
            (':', _) => (TokenKind.Colon, 1),
            ('|', _) => (TokenKind.Pipe, 1),
            ('=', _) => (TokenKind.Assign, 1),
            ('+', _) => (TokenKind.Plus, 1),
            ('-', _) => (TokenKind.Minus, 1),
            ('~', _) => (TokenKind.Tilde, 1),
            ('*', _) => (TokenKind.Star, 1),
            ('/', _) => (TokenKind.Slash, 1),
            ('%', _) => (TokenKind.Percent, 1),
            ('<', _) => (TokenKind.Less, 1),
            ('>', _) => (TokenKind.Greater, 1),
            _ => throw SourceText.Error(_source, start, $"Unexpected character '{c}'"),
        };
        _position += length;
        return new Token(kind, _source.Substring(start, length), start);
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private Token ReadNumber()
    {
        var start = _position;
        while (_position < _end && char.IsAsciiDigit(_source[_position]))
        {
            _position++;
        }

        // After a dot (`items.0.1`) each number is an index, never a float.
        var afterDot = _tokens.Count > 0 && _tokens[^1].Kind == TokenKind.Dot;
        if (!afterDot && _position + 1 < _end && _source[_position] == '.' && char.IsAsciiDigit(_source[_position + 1]))
        {
            _position++;
            while (_position < _end && char.IsAsciiDigit(_source[_position]))
            {
                _position++;
            }

            return new Token(TokenKind.Float, _source[start.._position], start);
        }

        return new Token(TokenKind.Integer, _source[start.._position], start);
    }

    private string ReadString(char quote)
    {
        var start = _position++;
        var text = new StringBuilder();
        while (true)
        {
            if (_position >= _end)
            {
                throw SourceText.Error(_source, start, "Unterminated string literal");
            }

            var c = _source[_position++];
            if (c == quote)
            {
                return text.ToString();
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (_position >= _end)
            {
                throw SourceText.Error(_source, start, "Unterminated string literal");
            }

            var escaped = _source[_position++];
            switch (escaped)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'r': text.Append('\r'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'v': text.Append('\v'); break;
                case '\'' or '"' or '\\': text.Append(escaped); break;
                case 'x' or 'u':
                    text.Append(ReadHexEscape(escaped == 'x' ? 2 : 4));
                    break;
                default:
                    throw SourceText.Error(_source, _position - 2, $"Unknown escape sequence '\\{escaped}'");
            }
        }
    }

    private char ReadHexEscape(int digits)
    {
        if (_position + digits > _end
            || !int.TryParse(_source.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw SourceText.Error(_source, _position - 2, "Invalid hexadecimal escape sequence");
        }

        _position += digits;
        return (char)code;
    }
}
