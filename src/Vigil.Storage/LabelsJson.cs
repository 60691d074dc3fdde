using System.Text.Json;

namespace Vigil.Storage;

/// <summary>Bank labels as they are stored: a JSON array of strings in one text column.</summary>
internal static class LabelsJson
{
    public static string Serialize(IReadOnlyList<string> labels)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var label in labels)
                writer.WriteStringValue(label);
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static IReadOnlyList<string> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var labels = new List<string>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
            labels.Add(element.GetString() ?? "");
        return labels;
    }
}
