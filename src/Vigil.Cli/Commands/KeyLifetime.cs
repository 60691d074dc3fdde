using System.Globalization;

namespace Vigil.Cli.Commands;

/// <summary>
/// How long a new API key lives (<c>vigil apikey create --expires-in</c>): a whole number and a unit,
/// <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (seconds, minutes, hours, days), e.g. <c>12h</c> or
/// <c>90d</c>; more than zero and at most <see cref="MaxDays"/> days.
/// </summary>
internal static class KeyLifetime
{
    /// <summary>The longest lifetime accepted: 100 years (longer is a key that never expires: leave the option out).</summary>
    public const int MaxDays = 36_500;

    /// <summary>Parses a lifetime; false with a message for people when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string text, out TimeSpan lifetime, out string error, string option = "--expires-in")
    {
        lifetime = default;
        error = "";
        string number = text.Length > 1 ? text[..^1] : "";
        TimeSpan unit = text.Length > 1 ? UnitOf(text[^1]) : default;
        bool negative = number.StartsWith('-');
        // Only a key's lifetime can be left out to mean "never"; an interval or a retention cannot.
        string never = option == "--expires-in" ? " (leave the option out for a key that does not expire)" : "";
        string digits = negative ? number[1..] : number;
        if (unit == default || digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            error = $"{option} must be a whole number followed by s, m, h or d (seconds, minutes, hours, days), e.g. 12h or 90d; not '{text}'";
            return false;
        }
        if (negative || digits.All(c => c == '0'))
        {
            error = $"{option} must be more than zero, not '{text}'{never}";
            return false;
        }
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count > TimeSpan.FromDays(MaxDays) / unit)
        {
            error = $"{option} must be at most {MaxDays}d (100 years), not '{text}'{never}";
            return false;
        }
        lifetime = count * unit;
        return true;
    }

    private static TimeSpan UnitOf(char unit) => unit switch
    {
        's' => TimeSpan.FromSeconds(1),
        'm' => TimeSpan.FromMinutes(1),
        'h' => TimeSpan.FromHours(1),
        'd' => TimeSpan.FromDays(1),
        _ => default,
    };
}
