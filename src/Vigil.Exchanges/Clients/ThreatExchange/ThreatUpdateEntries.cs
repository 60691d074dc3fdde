using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Clients.ThreatExchange;

/// <summary>
/// Turns <c>threat_updates</c> records into bank entries: ThreatExchange's hash indicator types mapped to Vigil's signal
/// types, the indicator id as the entry's source id, the first uploader as its source, tags as its classification.
/// </summary>
internal static class ThreatUpdateEntries
{
    /// <summary>The tag that marks a <c>HASH_MD5</c> indicator as a video's MD5 (as python-threatexchange reads it).</summary>
    public const string VideoTag = "media_type_video";

    /// <summary>The signal type an indicator type stands for, or null when Vigil has none (URLs, TMK, text...).</summary>
    public static SignalType? SignalTypeOf(string? indicatorType, IEnumerable<string> tags) => indicatorType switch
    {
        "HASH_PDQ" => SignalType.Pdq,
        "HASH_MD5" => tags.Contains(VideoTag, StringComparer.Ordinal) ? SignalType.VideoMd5 : SignalType.Md5,
        "HASH_VIDEO_MD5" => SignalType.VideoMd5,
        "HASH_SHA1" => SignalType.Sha1,
        "HASH_SHA256" => SignalType.Sha256,
        _ => null,
    };

    /// <summary>
    /// The entry for <paramref name="update"/>, or null when it must be skipped (a type Vigil has no signal type for, a value
    /// that is not a valid hash of its type). A deletion, or an update whose indicator no longer has a descriptor this app can
    /// see in the group, removes the entry by its source id.
    /// </summary>
    public static HashListEntry? ToEntry(ThreatUpdate update, string privacyGroupId)
    {
        var tags = update.Descriptors?.SelectMany(d => d.Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() ?? [];
        if (SignalTypeOf(update.Type, tags) is not { } type)
            return null;
        if (update.ShouldDelete || update.Descriptors is not { Count: > 0 } descriptors)
            return new HashListEntry(0, HashListAction.Remove, [], SourceId: update.Id, MetadataJson: Metadata(update, privacyGroupId, null));
        if (update.Indicator is null || !type.TryNormalize(update.Indicator, out var value, out _))
            return null;
        var ordered = descriptors.OrderBy(d => d.Id.Length).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        string? owner = ordered.Select(d => d.OwnerId).FirstOrDefault(o => o is not null);
        return new HashListEntry(
            0,
            HashListAction.Add,
            [new Signal(type, value)],
            Classification: tags.Count > 0 ? string.Join(',', tags) : null,
            Source: owner is null ? "threatexchange" : "threatexchange:app:" + owner,
            SourceId: update.Id,
            MetadataJson: Metadata(update, privacyGroupId, ordered));
    }

    private static string Metadata(ThreatUpdate update, string privacyGroupId, IReadOnlyList<ThreatDescriptor>? descriptors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("privacy_group", privacyGroupId);
            json.WriteString("indicator_id", update.Id);
            json.WriteString("indicator_type", update.Type);
            json.WriteNumber("last_updated", update.LastUpdated);
            if (descriptors is null)
            {
                json.WriteBoolean("should_delete", true);
            }
            else
            {
                json.WriteStartArray("descriptors");
                foreach (var descriptor in descriptors)
                {
                    json.WriteStartObject();
                    json.WriteString("id", descriptor.Id);
                    if (descriptor.OwnerId is not null)
                        json.WriteString("owner", descriptor.OwnerId);
                    if (descriptor.Status is not null)
                        json.WriteString("status", descriptor.Status);
                    json.WriteStartArray("tags");
                    foreach (string tag in descriptor.Tags)
                        json.WriteStringValue(tag);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
