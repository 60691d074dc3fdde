using System.Text;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges;

/// <summary>
/// One entry of a hash list: a piece of content known by one or more signals, with where it came from.
/// Equality compares every member, the signals in order.
/// </summary>
/// <param name="Line">1-based line of the file where the entry starts (0 for entries not read from a file).</param>
/// <param name="Action">Whether the entry adds its signals or removes them.</param>
/// <param name="Signals">The signals, in canonical lowercase hex. Removals identified by source id may have none.</param>
/// <param name="Classification">A class or label: NCMEC's <c>A1</c>/<c>A2</c>/<c>B1</c>/<c>B2</c>, or the csv <c>label</c>.</param>
/// <param name="Source">Who the entry comes from, e.g. <c>ncmec:member:42</c> or <c>stopncii</c>.</param>
/// <param name="SourceId">The source's own id for the entry (NCMEC entry id, StopNCII hash value).</param>
/// <param name="Note">Free text.</param>
/// <param name="MetadataJson">A JSON object (as text) with format-specific extras: NCMEC member and timestamps, StopNCII case numbers.</param>
public sealed record HashListEntry(
    int Line,
    HashListAction Action,
    IReadOnlyList<Signal> Signals,
    string? Classification = null,
    string? Source = null,
    string? SourceId = null,
    string? Note = null,
    string? MetadataJson = null)
{
    /// <inheritdoc/>
    public bool Equals(HashListEntry? other) =>
        other is not null
        && Line == other.Line
        && Action == other.Action
        && Signals.SequenceEqual(other.Signals)
        && Classification == other.Classification
        && Source == other.Source
        && SourceId == other.SourceId
        && Note == other.Note
        && MetadataJson == other.MetadataJson;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Line);
        hash.Add(Action);
        foreach (var signal in Signals)
            hash.Add(signal);
        hash.Add(Classification);
        hash.Add(Source);
        hash.Add(SourceId);
        hash.Add(Note);
        hash.Add(MetadataJson);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("line ").Append(Line).Append(": ").Append(Action == HashListAction.Add ? "add" : "remove");
        foreach (var signal in Signals)
            text.Append(' ').Append(signal);
        AppendIfPresent(text, "classification", Classification);
        AppendIfPresent(text, "source", Source);
        AppendIfPresent(text, "source_id", SourceId);
        AppendIfPresent(text, "note", Note);
        AppendIfPresent(text, "metadata", MetadataJson);
        return text.ToString();
    }

    private static void AppendIfPresent(StringBuilder text, string name, string? value)
    {
        if (value is not null)
            text.Append(' ').Append(name).Append('=').Append(value);
    }
}
