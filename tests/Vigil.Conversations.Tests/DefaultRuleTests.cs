namespace Vigil.Conversations.Tests;

/// <summary>Each built-in rule on phrasings it must catch and on near misses it must not, with nothing known of the parties.</summary>
public sealed class DefaultRuleTests
{
    private static RiskRule Rule(string id)
    {
        foreach (var rule in RiskRules.Default.Rules)
        {
            if (rule.Id == id)
                return rule;
        }
        throw new InvalidOperationException($"no rule {id}");
    }

    [Theory]
    [InlineData("asks-age", "how old are you btw?", true)]
    [InlineData("asks-age", "HOW OLD R U", true)]
    [InlineData("asks-age", "what grade are you in?", true)]
    [InlineData("asks-age", "asl?", true)]
    [InlineData("asks-age", "r u like 14?", true)]
    [InlineData("asks-age", "how old is your dog", false)]
    [InlineData("asks-age", "are you 21 yet", false)]
    [InlineData("asks-school-or-location", "what school do you go to?", true)]
    [InlineData("asks-school-or-location", "where do u live", true)]
    [InlineData("asks-school-or-location", "what part of town are you in", true)]
    [InlineData("asks-school-or-location", "school was boring today", false)]
    [InlineData("asks-school-or-location", "where do you want to eat", false)]
    [InlineData("parents-around", "are your parents home?", true)]
    [InlineData("parents-around", "r u home alone rn", true)]
    [InlineData("parents-around", "when does your mum go out on friday?", true)]
    [InlineData("parents-around", "do your parents check your phone?", true)]
    [InlineData("parents-around", "my parents are home", false)]
    [InlineData("parents-around", "are you going home", false)]
    [InlineData("secrecy", "don't tell anyone we talk", true)]
    [InlineData("secrecy", "it's our little secret", true)]
    [InlineData("secrecy", "delete this chat after", true)]
    [InlineData("secrecy", "nobody needs to know", true)]
    [InlineData("secrecy", "keep it between us ok", true)]
    [InlineData("secrecy", "tell your mum I said hi", false)]
    [InlineData("secrecy", "the secret ingredient is salt", false)]
    [InlineData("moves-channel", "add me on snap", true)]
    [InlineData("moves-channel", "message me on kik", true)]
    [InlineData("moves-channel", "let's switch to telegram", true)]
    [InlineData("moves-channel", "we have a private group", true)]
    [InlineData("moves-channel", "what's ur snap", true)]
    [InlineData("moves-channel", "i saw it on instagram", false)]
    [InlineData("moves-channel", "the snap peas are ready", false)]
    [InlineData("shares-contact-or-link", "see https://example.org/x", true)]
    [InlineData("shares-contact-or-link", "text 0770 900 1234", true)]
    [InlineData("shares-contact-or-link", "my tag is shadowfox", true)]
    [InlineData("shares-contact-or-link", "ask @nightowl", true)]
    [InlineData("shares-contact-or-link", "meet at 5 on the 12th", false)]
    [InlineData("shares-contact-or-link", "mail me at a@b", false)]
    [InlineData("asks-photo-or-call", "send me a selfie", true)]
    [InlineData("asks-photo-or-call", "a photo of you please", true)]
    [InlineData("asks-photo-or-call", "let's video call tonight", true)]
    [InlineData("asks-photo-or-call", "turn on your camera", true)]
    [InlineData("asks-photo-or-call", "i took a photo of the sunset", false)]
    [InlineData("asks-photo-or-call", "the camera shop is closed", false)]
    [InlineData("offers-gifts", "i'll buy you skins", true)]
    [InlineData("offers-gifts", "want some free vbucks?", true)]
    [InlineData("offers-gifts", "i can send you money for a phone", true)]
    [InlineData("offers-gifts", "I'll pay for your battle pass", true)]
    [InlineData("offers-gifts", "i bought skins yesterday", false)]
    [InlineData("offers-gifts", "money is tight this month", false)]
    [InlineData("flattery-isolation", "nobody understands you like I do", true)]
    [InlineData("flattery-isolation", "you're so mature for your age", true)]
    [InlineData("flattery-isolation", "your parents don't understand you", true)]
    [InlineData("flattery-isolation", "you can trust me", true)]
    [InlineData("flattery-isolation", "you're not like other girls", true)]
    [InlineData("flattery-isolation", "you are mature", false)]
    [InlineData("flattery-isolation", "i trust my parents", false)]
    [InlineData("asks-to-meet", "we should meet up this weekend", true)]
    [InlineData("asks-to-meet", "i can pick you up", true)]
    [InlineData("asks-to-meet", "i'll drive to you on saturday", true)]
    [InlineData("asks-to-meet", "where can we meet", true)]
    [InlineData("asks-to-meet", "the meeting is at 4", false)]
    [InlineData("asks-to-meet", "nice to meet you", false)]
    public void Fires_on_what_it_describes_and_not_on_near_misses(string id, string text, bool fires) =>
        Assert.Equal(fires, Rule(id).Fires(text, PartyFacts.Unknown, PartyFacts.Unknown));

    [Fact]
    public void A_from_adult_rule_skips_a_declared_minor_sender_and_a_to_minor_rule_a_declared_adult_recipient()
    {
        var secrecy = Rule("secrecy");
        Assert.Equal(RuleDirection.FromAdult, secrecy.Direction);
        Assert.True(secrecy.Fires("don't tell anyone", Messages.Adult(30), Messages.Minor(12)));
        Assert.False(secrecy.Fires("don't tell anyone", Messages.Minor(13), Messages.Minor(12)));
        Assert.True(secrecy.Fires("don't tell anyone", PartyFacts.Unknown, Messages.Adult(40)));

        var age = Rule("asks-age");
        Assert.Equal(RuleDirection.ToMinor, age.Direction);
        Assert.True(age.Fires("how old are you", Messages.Adult(30), Messages.Minor(12)));
        Assert.False(age.Fires("how old are you", Messages.Adult(30), Messages.Adult(31)));
        Assert.False(age.Fires("how old are you", PartyFacts.Unknown, new PartyFacts(IsMinor: false)));

        var meet = Rule("asks-to-meet");
        Assert.Equal(RuleDirection.AdultToMinor, meet.Direction);
        Assert.True(meet.Fires("let's meet", PartyFacts.Unknown, PartyFacts.Unknown));
        Assert.False(meet.Fires("let's meet", Messages.Minor(12), PartyFacts.Unknown));
        Assert.False(meet.Fires("let's meet", PartyFacts.Unknown, Messages.Adult(18)));
    }

    [Fact]
    public void The_default_rules_load_and_no_rule_alone_reaches_the_threshold_however_often_it_fires()
    {
        var rules = RiskRules.Default;
        Assert.Equal("default-1", rules.Version);
        Assert.True(rules.Rules.Count >= 10);
        Assert.NotNull(rules.AgeGap);
        foreach (var rule in rules.Rules)
        {
            var scorer = new ConversationRiskScorer(rules);
            ConversationRisk risk = null!;
            for (int i = 0; i < 30; i++)
                risk = scorer.Add("c", Messages.From("a", "b", Example(rule.Id), i));
            Assert.Equal(rule.Id, Assert.Single(risk.Signals).Id);
            Assert.False(risk.PastThreshold, $"{rule.Id} alone reached {risk.Score}");
        }
    }

    [Fact]
    public void The_docs_rule_file_is_the_built_in_one()
    {
        var file = RiskRules.Load(Messages.RepositoryPath("docs", "conversation-rules.json"));
        Assert.Equal(RiskRules.Default.Version, file.Version);
        Assert.Equal(RiskRules.Default.Rules.Select(r => (r.Id, r.Weight)), file.Rules.Select(r => (r.Id, r.Weight)));
    }

    /// <summary>A message that fires exactly the rule <paramref name="id"/>.</summary>
    internal static string Example(string id) => id switch
    {
        "asks-age" => "how old are you",
        "asks-school-or-location" => "what school do you go to",
        "parents-around" => "are your parents home",
        "secrecy" => "this is our secret",
        "moves-channel" => "add me on discord",
        "shares-contact-or-link" => "https://example.org",
        "asks-photo-or-call" => "send me a selfie",
        "offers-gifts" => "free robux",
        "flattery-isolation" => "you can trust me",
        "asks-to-meet" => "we should meet",
        _ => throw new ArgumentException(id),
    };
}
