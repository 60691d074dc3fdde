using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Formats;

/// <summary>
/// The columns a hash-list CSV header names, and how one row of it becomes an entry. Column names
/// are matched ignoring case and surrounding spaces; unknown columns (such as <c>path</c> and
/// <c>quality</c> from <c>vigil hash --format csv</c>) are ignored.
/// </summary>
internal sealed class CsvColumns
{
    public const string Label = "label";
    public const string Source = "source";
    public const string SourceId = "source_id";
    public const string Note = "note";
    public const string Metadata = "metadata";
    public const string Action = "action";

    // "classification" is what HashListEntry calls the label, so either name is accepted.
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal) { ["classification"] = Label };

    private static readonly string[] s_textColumns = [Label, Source, SourceId, Note, Metadata, Action];

    private readonly Dictionary<string, int> _index;
    private readonly int _fieldCount;

    private CsvColumns(Dictionary<string, int> index, int fieldCount)
    {
        _index = index;
        _fieldCount = fieldCount;
    }

    public static bool TryParse(List<string> header, [NotNullWhen(true)] out CsvColumns? columns, [NotNullWhen(false)] out string? error)
    {
        columns = null;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            string name = header[i].Trim().ToLowerInvariant();
            name = s_aliases.GetValueOrDefault(name, name);
            bool known = SignalType.TryFromName(name, out _) || s_textColumns.Contains(name);
            if (!known)
                continue;
            if (!index.TryAdd(name, i))
            {
                error = $"column '{name}' appears more than once in the header";
                return false;
            }
        }
        if (!SignalType.All.Any(t => index.ContainsKey(t.Name)))
        {
            var names = string.Join(", ", header.Select(h => $"'{Text.Shorten(h.Trim())}'"));
            error = $"the header has no signal column (need at least one of {Text.KnownSignalTypes}); it has {names}";
            return false;
        }
        columns = new CsvColumns(index, header.Count);
        error = null;
        return true;
    }

    public HashListItem ParseRow(int line, List<string> fields)
    {
        if (fields.Count != _fieldCount)
            return HashListItem.Failure(line, $"row has {fields.Count} field{(fields.Count == 1 ? "" : "s")} but the header has {_fieldCount}");

        var problems = new List<string>();
        var signals = new List<Signal>();
        foreach (var type in SignalType.All)
        {
            var raw = Cell(fields, type.Name);
            if (raw is null)
                continue;
            if (type.TryNormalize(raw, out var value, out var error))
                signals.Add(new Signal(type, value));
            else
                problems.Add(error);
        }
        int identifying = signals.Count;
        AddVariants(Cell(fields, SignalType.PdqVariant.Name), signals, problems);

        var action = HashListAction.Add;
        var actionText = Cell(fields, Action);
        if (actionText is not null && !TryParseAction(actionText, out action))
            problems.Add($"unknown action '{Text.Shorten(actionText)}' (expected add or remove)");

        var metadata = Cell(fields, Metadata);
        if (metadata is not null && !IsJsonObject(metadata, out var metadataError))
            problems.Add(metadataError);

        var sourceId = Cell(fields, SourceId);
        if (problems.Count == 0 && identifying == 0 && signals.Count > 0)
            problems.Add($"a row's pdq_variant hashes belong to its content: fill at least one of the {Text.KnownSignalTypes} columns");
        if (problems.Count == 0 && signals.Count == 0)
        {
            if (action == HashListAction.Add)
                problems.Add($"row has no signal (fill at least one of the {Text.KnownSignalTypes} columns)");
            else if (sourceId is null)
                problems.Add("a removal row needs a signal or a source_id");
        }
        if (problems.Count > 0)
            return HashListItem.Failure(line, string.Join("; ", problems));

        return HashListItem.Of(new HashListEntry(
            line, action, signals,
            Classification: Cell(fields, Label),
            Source: Cell(fields, Source),
            SourceId: sourceId,
            Note: Cell(fields, Note),
            MetadataJson: metadata));
    }

    /// <summary>The <c>pdq_variant</c> cell: the hashes a Vigil bank made from its media, separated by spaces (see <see cref="HashListWriter"/>).</summary>
    private static void AddVariants(string? cell, List<Signal> signals, List<string> problems)
    {
        if (cell is null)
            return;
        foreach (var raw in cell.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (SignalType.PdqVariant.TryNormalize(raw, out var value, out var error))
                signals.Add(new Signal(SignalType.PdqVariant, value));
            else
                problems.Add(error);
        }
    }

    /// <summary>The trimmed cell of <paramref name="column"/>, or null when the column is absent or the cell empty.</summary>
    private string? Cell(List<string> fields, string column)
    {
        if (!_index.TryGetValue(column, out int i))
            return null;
        var value = fields[i].Trim();
        return value.Length == 0 ? null : value;
    }

    private static bool TryParseAction(string text, out HashListAction action)
    {
        action = HashListAction.Add;
        if (text.Equals("add", StringComparison.OrdinalIgnoreCase))
            return true;
        if (text.Equals("remove", StringComparison.OrdinalIgnoreCase))
        {
            action = HashListAction.Remove;
            return true;
        }
        return false;
    }

    private static bool IsJsonObject(string text, [NotNullWhen(false)] out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            error = document.RootElement.ValueKind == JsonValueKind.Object
                ? null
                : $"metadata must be a JSON object, got a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}";
        }
        catch (JsonException ex)
        {
            error = $"metadata is not valid JSON: {Json.DescribeError(ex)}";
        }
        return error is null;
    }
}
