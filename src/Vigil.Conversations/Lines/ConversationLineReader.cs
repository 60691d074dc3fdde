using System.Text.Json;

namespace Vigil.Conversations;

/// <summary>Reads conversation JSON Lines: one message per line, blank lines skipped; a bad line throws naming its number.</summary>
internal static class ConversationLineReader
{
    public static IEnumerable<ParsedLine> Read(TextReader reader)
    {
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            yield return Parse(line, number);
        }
    }

    public static ParsedLine Parse(string line, int number)
    {
        ConversationLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, ConversationLineJson.Default.ConversationLine);
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
            throw new ConversationLineException(number, $"not a message object{where}", e);
        }
        if (parsed is null)
            throw new ConversationLineException(number, "not a message object (null)");
        string conversation = Required(parsed.Conversation, "conversation", number);
        var message = new ConversationMessage(Required(parsed.Sender, "sender", number), Required(parsed.Recipient, "recipient", number),
            parsed.Time ?? throw new ConversationLineException(number, "time is required (ISO 8601)"),
            parsed.Text ?? throw new ConversationLineException(number, "text is required"));
        return new ParsedLine(number, conversation, message,
            Facts(parsed.SenderIsMinor, parsed.SenderAge, "sender_age", number), Facts(parsed.RecipientIsMinor, parsed.RecipientAge, "recipient_age", number),
            parsed.Label);
    }

    private static string Required(string? value, string field, int number) =>
        string.IsNullOrEmpty(value) ? throw new ConversationLineException(number, $"{field} is required") : value;

    private static PartyFacts? Facts(bool? isMinor, int? age, string ageField, int number)
    {
        if (age is < 0 or > 150)
            throw new ConversationLineException(number, $"{ageField} must be 0..150, not {age}");
        return isMinor is null && age is null ? null : new PartyFacts(isMinor, age);
    }
}
