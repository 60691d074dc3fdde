using System.Text.Json;

namespace Vigil.Exchanges.Formats;

/// <summary>Helpers shared by the JSON-based parts of the formats.</summary>
internal static class Json
{
    /// <summary>
    /// The reason in a <see cref="JsonException"/> without the reader's own position suffix, which
    /// counts from the start of the fragment parsed rather than the file.
    /// </summary>
    public static string DescribeError(JsonException ex)
    {
        var message = ex.Message;
        int position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (position >= 0 ? message[..position] : message).TrimEnd();
    }
}
