using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Formats;

/// <summary>Reads ThreatExchange file-exchange lists: <c>signal_type value</c> per line, or a bare PDQ hash.</summary>
internal static class TeListReader
{
    public static IEnumerable<HashListItem> Read(TextReader reader)
    {
        var lines = new BoundedLineReader(reader);
        // An entry is held back until the next line: a Vigil variant line after it (#vigil pdq_variant HEX) belongs to it.
        HashListItem? pending = null;
        List<Signal>? variants = null;
        while (lines.TryReadLine(out int line, out string? text))
        {
            if (text is null)
            {
                yield return HashListItem.Failure(line, $"line is longer than {BoundedLineReader.MaxLineLength} characters");
                continue;
            }
            if (IsVariantLine(text))
            {
                var variant = ParseVariant(line, text, pending);
                if (variant.IsError)
                    yield return variant;
                else
                    (variants ??= []).AddRange(variant.Entry!.Signals);
                continue;
            }
            var item = ParseLine(line, text);
            if (item is null)
                continue;
            if (pending is not null)
                yield return WithVariants(pending, variants);
            variants = null;
            pending = item;
        }
        if (pending is not null)
            yield return WithVariants(pending, variants);
    }

    private static bool IsVariantLine(string text) =>
        text.AsSpan().TrimStart().StartsWith(HashListWriter.TeVariantMarker + " ", StringComparison.Ordinal);

    /// <summary>A <c>#vigil pdq_variant HEX</c> line: its signal, or why it cannot be read (it needs an entry's line before it).</summary>
    private static HashListItem ParseVariant(int line, string text, HashListItem? owner)
    {
        var rest = text.AsSpan().Trim()[HashListWriter.TeVariantMarker.Length..].Trim();
        var name = NextToken(ref rest);
        var value = NextToken(ref rest);
        if (!name.SequenceEqual(SignalType.PdqVariant.Name) || value.IsEmpty || !rest.IsEmpty)
            return HashListItem.Failure(line, $"expected '{HashListWriter.TeVariantMarker} pdq_variant HEX' after the '{HashListWriter.TeVariantMarker}' marker");
        if (owner is null || owner.IsError || owner.Entry!.Action != HashListAction.Add)
            return HashListItem.Failure(line, "a pdq_variant line must follow the line of the entry it belongs to");
        return SignalType.PdqVariant.TryNormalize(value, out var hex, out var error)
            ? HashListItem.Of(new HashListEntry(line, HashListAction.Add, [new Signal(SignalType.PdqVariant, hex)]))
            : HashListItem.Failure(line, error);
    }

    private static HashListItem WithVariants(HashListItem item, List<Signal>? variants) =>
        variants is null ? item : HashListItem.Of(item.Entry! with { Signals = [.. item.Entry!.Signals, .. variants] });

    /// <summary>The entry or error on one line, or null for a blank or comment line.</summary>
    public static HashListItem? ParseLine(int line, string text)
    {
        var rest = text.AsSpan().Trim();
        if (rest.IsEmpty || rest[0] == '#')
            return null;

        var first = NextToken(ref rest);
        if (rest.IsEmpty)
            return ParseBareValue(line, first);

        var value = NextToken(ref rest);
        if (!rest.IsEmpty && rest[0] != '#')
            return HashListItem.Failure(line, $"unexpected text after the value: '{Text.Shorten(rest)}' (expected 'SIGNAL_TYPE VALUE')");
        if (!SignalType.TryFromName(first, out var type))
            return HashListItem.Failure(line, $"unknown signal type '{Text.Shorten(first)}' (known: {string.Join(", ", SignalType.Known.Select(t => t.Name))})");
        if (type.IsDerived)
            return HashListItem.Failure(line, $"a {type.Name} belongs to the entry before it: write it as '{HashListWriter.TeVariantMarker} {type.Name} HEX' after that entry's line");
        return ToEntry(line, type, value);
    }

    // The reference tools ship PDQ lists as bare hex lines, so a lone hex token is a PDQ hash.
    private static HashListItem ParseBareValue(int line, ReadOnlySpan<char> token)
    {
        if (SignalType.TryFromName(token, out var type))
            return HashListItem.Failure(line, $"missing value after '{type.Name}'");
        foreach (char c in token)
        {
            if (!char.IsAsciiHexDigit(c))
                return HashListItem.Failure(line, $"expected 'SIGNAL_TYPE VALUE' or a bare 64-digit hex pdq hash, got '{Text.Shorten(token)}'");
        }
        return ToEntry(line, SignalType.Pdq, token);
    }

    private static HashListItem ToEntry(int line, SignalType type, ReadOnlySpan<char> raw) =>
        type.TryNormalize(raw, out var value, out var error)
            ? HashListItem.Of(new HashListEntry(line, HashListAction.Add, [new Signal(type, value)]))
            : HashListItem.Failure(line, error);

    private static ReadOnlySpan<char> NextToken(ref ReadOnlySpan<char> rest)
    {
        int end = 0;
        while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
            end++;
        var token = rest[..end];
        rest = rest[end..].TrimStart();
        return token;
    }
}
