using System.Globalization;

namespace Vigil.Cli.Interaction;

/// <summary>How the commands' text output shows a time: UTC to the second, <c>2026-12-06 21:19:37Z</c>.</summary>
internal static class TimeText
{
    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
}
