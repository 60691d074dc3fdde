namespace Vigil.Conversations.Tests;

/// <summary>Helpers to make messages and find the repository's files.</summary>
internal static class Messages
{
    private static readonly DateTimeOffset Start = new(2026, 1, 3, 16, 0, 0, TimeSpan.Zero);

    public static ConversationMessage From(string sender, string recipient, string text, int minute = 0) =>
        new(sender, recipient, Start.AddMinutes(minute), text);

    public static PartyFacts Minor(int age) => new(true, age);

    public static PartyFacts Adult(int age) => new(false, age);

    /// <summary>The repository root: tests/fixtures' grandparent.</summary>
    public static string RepositoryPath(params string[] parts) =>
        Path.Combine([Path.GetDirectoryName(Path.GetDirectoryName(Vigil.Testing.Fixtures.Root))!, .. parts]);

    public static string Corpus => RepositoryPath("src", "Vigil.Cli", "samples", "conversations", "synthetic-corpus.jsonl");
}
