using System.Net;
using System.Text;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// With the evidence vault, <c>POST /v1/conversations/ID/messages</c> keeps every message sealed: the answer is the one
/// the clear messages give, the stored rows hold no text, and the database files hold none of it (while the raising
/// messages kept on the review item, in clear today, are found by the same search: the control).
/// </summary>
public sealed class SealedConversationTests : LiveServerTest
{
    private const string Benign = "see you at practice tomorrow afternoon, bring the blue ball";
    private readonly TempDirectory _keys = new("vigil-vault-");
    private EvidenceVault? _vault;

    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
    };

    [Fact]
    public async Task Messages_are_scored_as_sent_and_never_kept_in_clear()
    {
        var expected = ConversationEndpointTests.Expected();
        string submitter = await KeyAsync(ApiKeyRole.Submitter);
        var answer = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/conversations/chat-sealed/messages", submitter,
            ConversationEndpointTests.Body(0, ConversationEndpointTests.Talk.Length)));
        Assert.Equal(Math.Round(expected.Score, 6), answer.GetProperty("score").GetDouble());
        Assert.True(answer.GetProperty("new_case").GetBoolean());
        // One more message, benign: the whole conversation is opened from its sealed rows and scored again, the same item.
        string more = $$"""{"messages": [{"sender": "kid-3", "recipient": "adult-7", "time": "2026-12-01T17:00:00Z", "text": "{{Benign}}"}]}""";
        var again = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/conversations/chat-sealed/messages", submitter, more));
        Assert.Equal((answer.GetProperty("case_id").GetInt64(), ConversationEndpointTests.Talk.Length + 1),
            (again.GetProperty("case_id").GetInt64(), again.GetProperty("messages").GetInt32()));

        var stored = await Store.Conversations.ReadMessagesAsync("chat-sealed");
        Assert.Equal(ConversationEndpointTests.Talk.Length + 1, stored.Count);
        Assert.All(stored, m => Assert.Equal(("", true), (m.Text, m.SealedText is not null)));

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string directory = Path.GetDirectoryName(DatabasePath)!;
        Assert.Empty(FilesHolding(directory, Benign));
        string raising = ConversationEndpointTests.Talk[expected.RaisedBy[^1].Index].Text;
        Assert.NotEmpty(FilesHolding(directory, raising));
    }

    [Fact]
    public async Task A_server_with_another_vault_key_answers_503_not_a_wrong_score()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter);
        using var otherKey = KeyFileWrapper.Create(_keys.File("other.key"));
        await new SealedConversationStore(Store.Conversations, new EvidenceVault(otherKey))
            .AppendMessagesAsync("chat-other", [new StoredMessage("a", "b", DateTimeOffset.UtcNow, "hello there")], DateTimeOffset.UtcNow);
        using var response = await SendAsync(HttpMethod.Post, "/v1/conversations/chat-other/messages", submitter, ConversationEndpointTests.Body(0, 1));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("sealed under another evidence vault key", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The files under <paramref name="directory"/> holding <paramref name="text"/>'s UTF-8 bytes.</summary>
    private static List<string> FilesHolding(string directory, string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        foreach (string path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0)
                found.Add(path);
        }
        return found;
    }
}
