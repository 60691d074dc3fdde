using System.Globalization;
using System.Text.Json;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Clients.ThreatExchange;

/// <summary>One descriptor (one app's opinion) of an indicator, as <c>threat_updates</c> gives it.</summary>
internal sealed record ThreatDescriptor(string Id, string? OwnerId, string? Status, IReadOnlyList<string> Tags);

/// <summary>One <c>threat_updates</c> record: an indicator updated (or, with <see cref="ShouldDelete"/>, removed) at <see cref="LastUpdated"/>.</summary>
internal sealed record ThreatUpdate(
    string Id, string? Type, string? Indicator, long LastUpdated, bool ShouldDelete, IReadOnlyList<ThreatDescriptor>? Descriptors)
{
    /// <summary>The key an update is known by at the edge of a checkpoint (the same indicator can be updated and then deleted in one second).</summary>
    public string EdgeKey => Id + (ShouldDelete ? ":d" : ":u");
}

/// <summary>
/// One page of a <c>threat_updates</c> answer, read: the updates (those without an id or time counted in
/// <see cref="Malformed"/>), and the paging cursor when the API says there is a next page. The <c>next</c> link
/// itself is never followed: it repeats the access token, and the client builds each request itself.
/// </summary>
internal sealed record ThreatUpdatesPage(IReadOnlyList<ThreatUpdate> Updates, int Malformed, bool HasNext, string? After)
{
    /// <summary>Reads an answer's body.</summary>
    /// <exception cref="ExchangeProtocolException">The body is not a Graph API list, or it has a next page but no cursor for it.</exception>
    public static ThreatUpdatesPage Read(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ExchangeProtocolException($"ThreatExchange: threat_updates answered something that is not JSON: {Formats.Json.DescribeError(e)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw new ExchangeProtocolException("ThreatExchange: threat_updates answered JSON without a \"data\" list");
            var updates = new List<ThreatUpdate>(data.GetArrayLength());
            int malformed = 0;
            foreach (var item in data.EnumerateArray())
            {
                if (ReadUpdate(item) is { } update)
                    updates.Add(update);
                else
                    malformed++;
            }
            var (hasNext, after) = ReadPaging(root);
            if (hasNext && after is null)
                throw new ExchangeProtocolException("ThreatExchange: threat_updates has a next page but no cursor for it");
            return new ThreatUpdatesPage(updates, malformed, hasNext, after);
        }
    }

    private static ThreatUpdate? ReadUpdate(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || Id(item, "id") is not { } id || !TryTime(item, "last_updated", out long time))
            return null;
        bool delete = item.TryGetProperty("should_delete", out var d) && (d.ValueKind == JsonValueKind.True
            || (d.ValueKind == JsonValueKind.String && d.GetString() is "true" or "1") || (d.ValueKind == JsonValueKind.Number && d.GetRawText() != "0"));
        List<ThreatDescriptor>? descriptors = null;
        if (item.TryGetProperty("descriptors", out var ds) && ds.ValueKind == JsonValueKind.Object
            && ds.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            descriptors = [];
            foreach (var descriptor in list.EnumerateArray())
            {
                if (descriptor.ValueKind != JsonValueKind.Object || Id(descriptor, "id") is not { } descriptorId)
                    continue;
                string? owner = descriptor.TryGetProperty("owner", out var o) ? o.ValueKind == JsonValueKind.Object ? Id(o, "id") : Scalar(o) : null;
                descriptors.Add(new ThreatDescriptor(descriptorId, owner, String(descriptor, "status"), Tags(descriptor)));
            }
        }
        return new ThreatUpdate(id, String(item, "type"), String(item, "indicator"), time, delete, descriptors);
    }

    private static IReadOnlyList<string> Tags(JsonElement descriptor)
    {
        if (!descriptor.TryGetProperty("tags", out var tags))
            return [];
        // Either a list of texts or a Graph edge: {"data": [{"id": ..., "text": ...}]}.
        if (tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty("data", out var data))
            tags = data;
        if (tags.ValueKind != JsonValueKind.Array)
            return [];
        var texts = new List<string>();
        foreach (var tag in tags.EnumerateArray())
        {
            string? text = tag.ValueKind == JsonValueKind.Object ? String(tag, "text") : tag.ValueKind == JsonValueKind.String ? tag.GetString() : null;
            if (!string.IsNullOrWhiteSpace(text))
                texts.Add(text.Trim());
        }
        return texts;
    }

    private static (bool HasNext, string? After) ReadPaging(JsonElement root)
    {
        if (!root.TryGetProperty("paging", out var paging) || paging.ValueKind != JsonValueKind.Object)
            return (false, null);
        string? next = String(paging, "next");
        if (string.IsNullOrEmpty(next))
            return (false, null);
        string? after = paging.TryGetProperty("cursors", out var cursors) && cursors.ValueKind == JsonValueKind.Object ? String(cursors, "after") : null;
        if (string.IsNullOrEmpty(after) && Uri.TryCreate(next, UriKind.Absolute, out var uri))
            after = QueryValue(uri.Query, "after");
        return (true, string.IsNullOrEmpty(after) ? null : after);
    }

    private static string? QueryValue(string query, string name)
    {
        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && Uri.UnescapeDataString(pair[..eq]) == name)
                return Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }
        return null;
    }

    private static string? Id(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && Scalar(value) is { Length: > 0 and <= 64 } id && ThreatExchangeOptions.IsNumericId(id) ? id : null;

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    /// <summary>A Graph time: Unix seconds (a number or its text) or ISO 8601 such as <c>2019-05-20T16:44:47+0000</c>.</summary>
    private static bool TryTime(JsonElement item, string name, out long seconds)
    {
        seconds = 0;
        if (!item.TryGetProperty(name, out var value))
            return false;
        if (value.ValueKind == JsonValueKind.Number)
            return value.TryGetInt64(out seconds) && seconds >= 0;
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
            return false;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
            return true;
        if (text.Length > 5 && text[^5] is '+' or '-' && !text.AsSpan(text.Length - 4).ContainsAnyExceptInRange('0', '9'))
            text = text[..^2] + ":" + text[^2..];
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return false;
        seconds = at.ToUnixTimeSeconds();
        return seconds >= 0;
    }
}
