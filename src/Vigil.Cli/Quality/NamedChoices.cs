namespace Vigil.Cli.Quality;

/// <summary>Reads a comma-separated list of names (<c>--transforms</c>, <c>--modes</c>) against what is known by those names.</summary>
internal static class NamedChoices
{
    /// <summary>
    /// The items named in <paramref name="list"/>, once each and in the order given, or <paramref name="defaults"/> when
    /// the list is empty; an unknown name is an error naming <paramref name="option"/> and every known name.
    /// </summary>
    public static IReadOnlyList<T> Select<T>(string? list, IReadOnlyList<T> defaults, IEnumerable<T> known, Func<T, string> name, string option, string noun)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(list))
            return defaults;
        var chosen = new List<T>();
        foreach (string raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var item = known.FirstOrDefault(k => name(k) == raw)
                ?? throw new ArgumentException($"{option}: unknown {noun} '{raw}' (known: {string.Join(", ", known.Select(name))})");
            if (!chosen.Contains(item))
                chosen.Add(item);
        }
        return chosen;
    }
}
