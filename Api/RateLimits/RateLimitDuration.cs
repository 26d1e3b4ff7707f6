using System.Globalization;
using System.Text;

namespace Platform.Api.RateLimits;

/// <summary>
/// Durations as OpenAI writes them in <c>x-ratelimit-reset-*</c> headers (Go's duration format):
/// <c>20ms</c>, <c>1s</c>, <c>6m0s</c>, <c>1h2m3s</c>, <c>1.5s</c>.
/// </summary>
internal static class RateLimitDuration
{
    public static string Format(long milliseconds)
    {
        if (milliseconds <= 0)
        {
            return "0s";
        }

        if (milliseconds < 1000)
        {
            return milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var text = new StringBuilder();
        var hours = milliseconds / 3_600_000;
        var minutes = milliseconds / 60_000 % 60;
        var seconds = milliseconds % 60_000 / 1000.0;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return text.Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
