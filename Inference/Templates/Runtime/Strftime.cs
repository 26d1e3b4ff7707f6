using System.Globalization;
using System.Text;

namespace Platform.Inference.Templates.Runtime;

/// <summary>Python's <c>strftime</c> in the C locale, for <c>strftime_now</c> (Llama 3.1 prints today's date with it).</summary>
internal static class Strftime
{
    public static string Format(DateTimeOffset time, string format)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder(format.Length + 16);
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                text.Append(format[i]);
                continue;
            }

            var directive = format[++i];
            text.Append(directive switch
            {
                'a' => time.ToString("ddd", culture),
                'A' => time.ToString("dddd", culture),
                'b' or 'h' => time.ToString("MMM", culture),
                'B' => time.ToString("MMMM", culture),
                'd' => time.ToString("dd", culture),
                'e' => time.Day.ToString(culture).PadLeft(2),
                'H' => time.ToString("HH", culture),
                'I' => time.ToString("hh", culture),
                'j' => time.DayOfYear.ToString("000", culture),
                'm' => time.ToString("MM", culture),
                'M' => time.ToString("mm", culture),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'S' => time.ToString("ss", culture),
                'y' => time.ToString("yy", culture),
                'Y' => time.Year.ToString(culture),
                'z' => time.ToString("zzz", culture).Replace(":", string.Empty, StringComparison.Ordinal),
                'w' => ((int)time.DayOfWeek).ToString(culture),
                'u' => (time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek).ToString(culture),
                'F' => time.ToString("yyyy-MM-dd", culture),
                'T' => time.ToString("HH:mm:ss", culture),
                'D' => time.ToString("MM/dd/yy", culture),
                'R' => time.ToString("HH:mm", culture),
                '%' => "%",
                _ => "%" + directive,
            });
        }

        return text.ToString();
    }
}
