namespace Vigil.Storage;

/// <summary>What one retention purge deleted (<see cref="ICaseStore.PurgePastRetentionAsync"/>).</summary>
/// <param name="Cases">The cases whose evidence went: media, thumbnails, a conversation item's messages and its stored conversation.</param>
/// <param name="IdleConversations">Conversations that never opened a review item and had no message within the idle retention: their stored messages went.</param>
public sealed record RetentionPurge(IReadOnlyList<long> Cases, int IdleConversations)
{
    /// <summary>Whether nothing was deleted.</summary>
    public bool IsEmpty => Cases.Count == 0 && IdleConversations == 0;
}
