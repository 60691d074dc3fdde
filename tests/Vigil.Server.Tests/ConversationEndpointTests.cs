using System.Net;
using System.Text.Json;
using Vigil.Conversations;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary>
/// <c>POST /v1/conversations/ID/messages</c> with a synthetic conversation (grooming indicators, no sexual content):
/// the server's score is the library's on the same messages, the conversation opens one review item past the threshold
/// (source conversation, below matches) showing the messages that raised it, and bad input is a 400 that says why.
/// </summary>
public sealed class ConversationEndpointTests : LiveServerTest
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 16, 0, 0, TimeSpan.Zero);

    internal static readonly (string From, string To, string Text)[] Talk =
    [
        ("adult-7", "kid-3", "hey! how old are you btw?"),
        ("kid-3", "adult-7", "12, why"),
        ("adult-7", "kid-3", "are your parents home right now?"),
        ("adult-7", "kid-3", "this is just between us, don't tell anyone ok"),
        ("adult-7", "kid-3", "let's move to snapchat, it's more private there"),
        ("adult-7", "kid-3", "I can send you a gift card for robux if you want"),
    ];

    internal static string Body(int from, int to) => JsonSerializer.Serialize(new
    {
        messages = Enumerable.Range(from, to - from).Select(i => new Dictionary<string, object>
        {
            ["sender"] = Talk[i].From, ["recipient"] = Talk[i].To, ["time"] = T0.AddMinutes(i), ["text"] = Talk[i].Text,
            ["sender_age"] = Talk[i].From == "adult-7" ? 35 : 12, ["recipient_age"] = Talk[i].To == "adult-7" ? 35 : 12,
        }).ToList(),
    });

    /// <summary>What the default rules say of the whole of <see cref="Talk"/>, from the library itself.</summary>
    internal static ConversationRisk Expected()
    {
        var scorer = new ConversationRiskScorer();
        ConversationRisk expected = null!;
        foreach (var (i, m) in Talk.Index())
            expected = scorer.Add("c", new ConversationMessage(m.From, m.To, T0.AddMinutes(i), m.Text),
                new PartyFacts(null, m.From == "adult-7" ? 35 : 12), new PartyFacts(null, m.To == "adult-7" ? 35 : 12));
        Assert.True(expected.PastThreshold, $"the synthetic conversation scores {expected.Score} under the default rules");
        return expected;
    }

    [Fact]
    public async Task The_risk_accumulates_across_requests_and_opens_one_item_past_the_threshold()
    {
        var expected = Expected();

        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var early = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/conversations/chat-42/messages", submitter, Body(0, 2)));
        Assert.False(early.GetProperty("past_threshold").GetBoolean());
        Assert.Equal(JsonValueKind.Null, early.GetProperty("case_id").ValueKind);
        Assert.Equal(2, early.GetProperty("messages").GetInt32());

        using var rest = await SendAsync(HttpMethod.Post, "/v1/conversations/chat-42/messages", submitter, Body(2, Talk.Length));
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        var answer = await JsonAsync(rest);
        Assert.Equal(Math.Round(expected.Score, 6), answer.GetProperty("score").GetDouble());
        Assert.True(answer.GetProperty("past_threshold").GetBoolean());
        Assert.True(answer.GetProperty("new_case").GetBoolean());
        Assert.Equal(expected.Signals.Select(s => s.Id), answer.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        long caseId = answer.GetProperty("case_id").GetInt64();

        var shown = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", reviewer));
        Assert.Equal(CasePriority.Classifier, shown.GetProperty("case").GetProperty("priority").GetInt32());
        var item = Assert.Single(shown.GetProperty("items").EnumerateArray());
        Assert.Equal(("conversation", "conversation"), (item.GetProperty("source").GetString(), item.GetProperty("reason").GetString()));
        var score = Assert.Single(item.GetProperty("scores").EnumerateArray());
        Assert.Equal(("conversation-rules", RiskRules.Default.Version), (score.GetProperty("model").GetString(), score.GetProperty("version").GetString()));
        var messages = item.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(expected.RaisedBy.Select(r => r.Index), messages.Select(m => m.GetProperty("index").GetInt32()));
        foreach (var m in messages)
            Assert.Equal(Talk[m.GetProperty("index").GetInt32()].Text, m.GetProperty("text").GetString());

        // More messages: the same item, no second case.
        var later = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/conversations/chat-42/messages", submitter, Body(1, 2)));
        Assert.Equal((caseId, false, 7), (later.GetProperty("case_id").GetInt64(), later.GetProperty("new_case").GetBoolean(), later.GetProperty("messages").GetInt32()));
        Assert.Single((await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/cases", reviewer))).EnumerateArray(),
            c => c.GetProperty("subject").GetString() == "conversation:chat-42");
    }

    [Theory]
    [InlineData("""{"messages": []}""", "1 to 100 messages")]
    [InlineData("""{}""", "1 to 100 messages")]
    [InlineData("""{"messages": [{"sender": "a", "recipient": "b", "text": "hi"}]}""", "messages[0]: time is required")]
    [InlineData("""{"messages": [{"sender": "", "recipient": "b", "time": "2026-12-01T10:00:00Z", "text": "hi"}]}""", "sender and recipient")]
    [InlineData("""{"messages": [{"sender": "a", "recipient": "b", "time": "2026-12-01T10:00:00Z"}]}""", "text is required")]
    [InlineData("""{"messages": [{"sender": "a", "recipient": "b", "time": "2026-12-01T10:00:00Z", "text": "hi", "sender_age": 300}]}""", "an age is 0 to 130")]
    public async Task Bad_messages_are_a_400_that_says_why_and_nothing_is_kept(string body, string expected)
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter);
        using var response = await SendAsync(HttpMethod.Post, "/v1/conversations/c-bad/messages", submitter, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Store.Conversations.ReadMessagesAsync("c-bad"));
    }

    [Fact]
    public async Task A_conversation_sealed_by_a_vault_this_server_lacks_is_a_503_that_says_so()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter);
        await Store.Conversations.AppendMessagesAsync("chat-sealed", [new StoredMessage("a", "b", T0, "", SealedText: [1, 2, 3])], T0);
        using var response = await SendAsync(HttpMethod.Post, "/v1/conversations/chat-sealed/messages", submitter, Body(0, 1));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("sealed by the evidence vault: start the server with its --vault-key", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_fields_and_broken_json_are_400s()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter);
        foreach (string body in new[] { """{"messages": [], "extra": 1}""", "{not json", """{"messages": [{"sender": "a", "recipient": "b", "time": "yesterday", "text": "x"}]}""" })
        {
            using var response = await SendAsync(HttpMethod.Post, "/v1/conversations/c-json/messages", submitter, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }
}
