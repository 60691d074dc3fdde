namespace Vigil.Conversations;

/// <summary>A line of conversation JSON Lines that cannot be read; the message starts with its line number.</summary>
internal sealed class ConversationLineException(int lineNumber, string message, Exception? innerException = null)
    : Exception($"line {lineNumber}: {message}", innerException)
{
    public int LineNumber { get; } = lineNumber;
}
