namespace Vigil.Conversations;

/// <summary>A message that raised a conversation's score: where it is, which signals it fired and the score after it.</summary>
/// <param name="Index">0-based, in the order the messages were added.</param>
/// <param name="Time">The message's time.</param>
/// <param name="Signals">The ids of the signals it fired.</param>
/// <param name="ScoreAfter">The conversation's score once it was counted.</param>
public sealed record RaisingMessage(int Index, DateTimeOffset Time, IReadOnlyList<string> Signals, double ScoreAfter);
