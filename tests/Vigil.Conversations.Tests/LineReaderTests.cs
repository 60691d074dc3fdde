using FsCheck;
using FsCheck.Fluent;

namespace Vigil.Conversations.Tests;

/// <summary>Conversation JSON Lines: fields, facts, errors by line number, and random input never crashing.</summary>
public sealed class LineReaderTests
{
    [Fact]
    public void A_line_gives_the_message_and_the_facts()
    {
        var line = ConversationLineReader.Parse("""{"conversation":"c1","sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z","text":"hi","sender_age":34,"recipient_is_minor":true}""", 3);
        Assert.Equal("c1", line.Conversation);
        Assert.Equal(new ConversationMessage("a", "b", new DateTimeOffset(2026, 1, 3, 16, 0, 0, TimeSpan.Zero), "hi"), line.Message);
        Assert.Equal(new PartyFacts(null, 34), line.SenderFacts);
        Assert.Equal(new PartyFacts(true, null), line.RecipientFacts);
    }

    [Theory]
    [InlineData("not json", "line 4: not a message object")]
    [InlineData("""{"sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z","text":"hi"}""", "line 4: conversation is required")]
    [InlineData("""{"conversation":"c","recipient":"b","time":"2026-01-03T16:00:00Z","text":"hi"}""", "line 4: sender is required")]
    [InlineData("""{"conversation":"c","sender":"a","recipient":"b","text":"hi"}""", "line 4: time is required")]
    [InlineData("""{"conversation":"c","sender":"a","recipient":"b","time":"yesterday","text":"hi"}""", "line 4: not a message object at $.time")]
    [InlineData("""{"conversation":"c","sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z"}""", "line 4: text is required")]
    [InlineData("""{"conversation":"c","sender":"a","recipient":"b","time":"2026-01-03T16:00:00Z","text":"hi","sender_age":-3}""", "line 4: sender_age must be")]
    public void A_bad_line_is_an_error_naming_its_number(string text, string expected)
    {
        var e = Assert.Throws<ConversationLineException>(() => ConversationLineReader.Read(new StringReader("\n\n\n" + text)).ToList());
        Assert.Equal(4, e.LineNumber);
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Random_lines_give_a_message_or_a_line_error()
    {
        Prop.ForAll<string>(text =>
        {
            try
            {
                var line = ConversationLineReader.Parse(text ?? "", 1);
                new ConversationRiskScorer().Add(line.Conversation, line.Message, line.SenderFacts, line.RecipientFacts);
            }
            catch (ConversationLineException)
            {
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_text_is_scored_without_error()
    {
        var scorer = new ConversationRiskScorer();
        Prop.ForAll<string>(text =>
        {
            var risk = scorer.Add("c", Messages.From("a", "b", text ?? ""));
            Assert.InRange(risk.Score, 0, 1);
        }).QuickCheckThrowOnFailure();
        var random = new Random(5);
        var big = new string(Enumerable.Range(0, 200_000).Select(_ => (char)random.Next(0, 0x3000)).ToArray());
        Assert.InRange(scorer.Add("c", Messages.From("a", "b", big)).Score, 0, 1);
    }
}
