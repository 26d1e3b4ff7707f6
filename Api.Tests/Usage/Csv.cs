using System.Text;

namespace Platform.Api.Tests.Usage;

/// <summary>An RFC 4180 reader written for the tests, independent of the CsvHelper the server writes with.</summary>
internal static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else
            {
                Assert.False(c == '\n', "a record ends with a bare LF; RFC 4180 wants CRLF");
                field.Append(c);
            }
        }

        Assert.True(field.Length == 0 && fields.Count == 0, "the last record is not terminated by CRLF");
        return records;
    }
}
