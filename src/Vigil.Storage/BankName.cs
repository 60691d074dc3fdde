using System.Diagnostics.CodeAnalysis;

namespace Vigil.Storage;

/// <summary>
/// The rule for bank names, as HMA has it: a capital letter, then capital letters, digits and
/// underscores (<c>^[A-Z][A-Z0-9_]*$</c>), at most <see cref="MaxLength"/> characters.
/// </summary>
public static class BankName
{
    /// <summary>The longest name allowed.</summary>
    public const int MaxLength = 100;

    /// <summary>True when <paramref name="name"/> is a valid bank name.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) => TryValidate(name, out _);

    /// <summary>Checks a name, saying what is wrong with it when it is not valid.</summary>
    public static bool TryValidate([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        if (Check(name, out error))
            return true;
        if (Suggest(name) is { } suggestion)
            error += $"; did you mean {suggestion}?";
        return false;
    }

    /// <summary>
    /// The valid name a user most likely meant (upper case, with '-', '.' and spaces as underscores),
    /// or null when there is none.
    /// </summary>
    public static string? Suggest(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return null;
        string guess = name.Trim().ToUpperInvariant().Replace('-', '_').Replace('.', '_').Replace(' ', '_');
        return guess != name && Check(guess, out _) ? guess : null;
    }

    private static bool Check([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "a bank name must not be empty";
            return false;
        }
        if (name.Length > MaxLength)
        {
            error = $"bank name '{name[..20]}...' is {name.Length} characters long; the limit is {MaxLength}";
            return false;
        }
        if (!char.IsAsciiLetterUpper(name[0]))
        {
            error = $"bank name '{name}' must start with a capital letter A-Z";
            return false;
        }
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                error = $"bank name '{name}' contains '{c}': use only capital letters, digits and underscores (e.g. MY_BANK_2)";
                return false;
            }
        }
        error = null;
        return true;
    }

    /// <summary>Throws <see cref="InvalidBankNameException"/> when <paramref name="name"/> is not a valid bank name.</summary>
    public static void Validate([NotNull] string? name)
    {
        if (!TryValidate(name, out var error))
            throw new InvalidBankNameException(name, error);
    }
}
