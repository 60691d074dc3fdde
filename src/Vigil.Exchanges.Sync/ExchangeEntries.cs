using System.Text.Json.Nodes;
using Vigil.Storage;

namespace Vigil.Exchanges.Sync;

/// <summary>An exchange's entries as bank changes: each keeps its provenance (the exchange, its id for the entry, its member or uploader).</summary>
public static class ExchangeEntries
{
    /// <summary>The bank content source of every entry an exchange adds: <c>exchange:NAME</c> (its id for the entry is the source id).</summary>
    public static string SourceOf(string exchange) => ExchangeSources.Of(exchange);

    /// <summary>The bank change for <paramref name="entry"/> from <paramref name="exchange"/>.</summary>
    public static ImportItem ToImportItem(string exchange, HashListEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string source = SourceOf(exchange);
        if (entry.Action == HashListAction.Remove)
            return entry.SourceId is { } id ? ImportItem.RemoveBySource(source, id) : ImportItem.Remove([.. entry.Signals]);
        return ImportItem.Add(new NewContent(entry.Signals)
        {
            Source = source,
            SourceId = entry.SourceId,
            Classification = entry.Classification,
            Note = entry.Note,
            Metadata = Provenance(exchange, entry),
        });
    }

    /// <summary>The entry's metadata with where it came from: <c>exchange</c>, and <c>member</c> when the exchange named one.</summary>
    private static string Provenance(string exchange, HashListEntry entry)
    {
        JsonObject metadata;
        try
        {
            metadata = entry.MetadataJson is { Length: > 0 } json && JsonNode.Parse(json) is JsonObject given ? given : new JsonObject();
        }
        catch (System.Text.Json.JsonException)
        {
            metadata = new JsonObject();
        }
        metadata["exchange"] = exchange;
        if (entry.Source is { Length: > 0 } member)
            metadata["member"] = member;
        return metadata.ToJsonString();
    }
}
