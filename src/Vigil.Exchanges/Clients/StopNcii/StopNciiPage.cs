using System.Text.Json;

namespace Vigil.Exchanges.Clients.StopNcii;

/// <summary>
/// The paging members of one FetchHashes answer (<c>nextPageToken</c>, <c>nextSetTimestamp</c>,
/// <c>hasMoreRecords</c>); its <c>hashRecords</c> are read by <see cref="Formats.StopNciiJsonReader"/>.
/// </summary>
internal sealed record StopNciiPage(string? NextPageToken, long? NextSetTimestamp, bool HasMoreRecords)
{
    /// <summary>
    /// Reads the paging members of <paramref name="body"/>, checking on the way that the whole body is one
    /// well-formed JSON object with a <c>hashRecords</c> array (so that the records' reader meets only bad records, not a bad page).
    /// </summary>
    /// <exception cref="Fetching.ExchangeProtocolException">The body is not a FetchHashes page.</exception>
    public static StopNciiPage Parse(ReadOnlySpan<byte> body)
    {
        string? token = null;
        long? nextSet = null;
        bool? hasMore = null;
        bool sawRecords = false;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Bad("the answer is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "nextPageToken" when reader.TokenType == JsonTokenType.String:
                        token = reader.GetString();
                        break;
                    case "nextPageToken" when reader.TokenType == JsonTokenType.Null:
                        break;
                    case "nextSetTimestamp" when reader.TokenType == JsonTokenType.Number:
                        nextSet = reader.TryGetInt64(out long n) ? n : throw Bad("nextSetTimestamp is not a whole number");
                        break;
                    case "hasMoreRecords" when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                        hasMore = reader.GetBoolean();
                        break;
                    case "hashRecords" when reader.TokenType is JsonTokenType.StartArray or JsonTokenType.Null:
                        sawRecords = true;
                        reader.Skip();
                        break;
                    case "nextPageToken" or "nextSetTimestamp" or "hasMoreRecords" or "hashRecords":
                        throw Bad($"{name} has the wrong JSON type ({reader.TokenType})");
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                throw Bad("the answer is not one JSON object");
        }
        catch (JsonException e)
        {
            throw Bad($"the answer is not valid JSON: {Formats.Json.DescribeError(e)}");
        }
        catch (InvalidOperationException e)
        {
            throw Bad($"the answer is not valid JSON: {e.Message}");
        }
        if (!sawRecords)
            throw Bad("the answer has no hashRecords");
        if (hasMore is null)
            throw Bad("the answer has no hasMoreRecords");
        return new StopNciiPage(string.IsNullOrEmpty(token) ? null : token, nextSet, hasMore.Value);
    }

    private static Fetching.ExchangeProtocolException Bad(string why) => new($"StopNCII: FetchHashes answered a page Vigil cannot read: {why}");
}
