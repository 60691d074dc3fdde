using FsCheck;
using FsCheck.Fluent;

namespace Vigil.Conversations.Tests;

/// <summary>Rule files: errors name the field (and the rule id), and random or mutated JSON never crashes the loader.</summary>
public sealed class RuleFileTests
{
    private const string Valid = """
        { "version": "v7", "threshold": 0.6, "repeat_bonus": 0.5, "max_repeats": 3,
          "age_gap": { "id": "gap", "weight": 0.2, "min_years": 6 },
          "rules": [ { "id": "hello", "description": "greets", "weight": 0.4, "direction": "from_adult", "patterns": ["\\bhello\\b", "hi there"] } ] }
        """;

    [Fact]
    public void A_valid_file_loads_every_field()
    {
        var rules = RiskRules.Parse(Valid);
        Assert.Equal(("v7", 0.6, 0.5, 3), (rules.Version, rules.Threshold, rules.RepeatBonus, rules.MaxRepeats));
        Assert.Equal(new AgeGapRule("gap", "", 0.2, 6), rules.AgeGap);
        var rule = Assert.Single(rules.Rules);
        Assert.Equal(("hello", "greets", 0.4, RuleDirection.FromAdult), (rule.Id, rule.Description, rule.Weight, rule.Direction));
        Assert.True(rule.Fires("HELLO you", PartyFacts.Unknown, PartyFacts.Unknown));
        Assert.True(rule.Fires("oh hi there", PartyFacts.Unknown, PartyFacts.Unknown));
        Assert.False(rule.Fires("othello", PartyFacts.Unknown, PartyFacts.Unknown));
    }

    [Theory]
    [InlineData("\"version\": \"v7\",", "", "version is required")]
    [InlineData("\"threshold\": 0.6", "\"threshold\": 1.5", "threshold must be")]
    [InlineData("\"threshold\": 0.6,", "", "threshold is required")]
    [InlineData("\"weight\": 0.4", "\"weight\": 2", "rule 'hello': weight must be 0..1")]
    [InlineData("\"weight\": 0.4,", "", "rule 'hello': weight is required")]
    [InlineData("\"\\\\bhello\\\\b\"", "\"(unclosed\"", "rule 'hello': patterns[0] is not a usable regular expression")]
    [InlineData("\"\\\\bhello\\\\b\"", "\"(?=look)ahead\"", "rule 'hello': patterns[0] is not a usable regular expression")]
    [InlineData("\"hi there\"", "\"\"", "rule 'hello': patterns[1] is empty")]
    [InlineData("\"from_adult\"", "\"sideways\"", "rule 'hello': direction must be")]
    [InlineData("\"id\": \"hello\",", "", "rules[0].id is required")]
    [InlineData("\"id\": \"gap\"", "\"id\": \"hello\"", "rule 'hello': the id is used twice")]
    [InlineData("\"min_years\": 6", "\"min_years\": 0", "age_gap.min_years must be")]
    [InlineData("\"repeat_bonus\": 0.5", "\"repeat_bonus\": -1", "repeat_bonus must be")]
    [InlineData("\"max_repeats\": 3", "\"max_repeats\": \"three\"", "at $.max_repeats")]
    [InlineData("\"version\": \"v7\"", "\"version\": \"v7\", \"colour\": 1", "colour")]
    public void An_error_names_the_field(string replace, string with, string expected)
    {
        Assert.Contains(replace, Valid);
        var e = Assert.Throws<RiskRulesException>(() => RiskRules.Parse(Valid.Replace(replace, with), "rules.json"));
        Assert.StartsWith("rules.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_rule_file_error_naming_it()
    {
        var e = Assert.Throws<RiskRulesException>(() => RiskRules.Load("/nonexistent/rules.json"));
        Assert.Contains("/nonexistent/rules.json", e.Message);
    }

    [Fact]
    public void Random_and_mutated_json_gives_rules_or_a_rule_file_error_never_anything_else()
    {
        var valid = Valid;
        var mutations =
            from seed in Gen.Choose(0, int.MaxValue)
            from edits in Gen.Choose(1, 8)
            select (seed, edits);
        Prop.ForAll(mutations.ToArbitrary(), m =>
        {
            var random = new Random(m.seed);
            var chars = valid.ToCharArray().ToList();
            for (int i = 0; i < m.edits && chars.Count > 0; i++)
            {
                int at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, "{}[]\",:0.9-e\\ax"[random.Next(15)]); break;
                    default: chars[at] = (char)random.Next(32, 127); break;
                }
            }
            Loads(new string([.. chars]));
        }).QuickCheckThrowOnFailure();
        Prop.ForAll<string>(text => Loads(text ?? "")).QuickCheckThrowOnFailure();

        static void Loads(string json)
        {
            try
            {
                var rules = RiskRules.Parse(json);
                new ConversationRiskScorer(rules).Add("c", Messages.From("a", "b", "hello there"));
            }
            catch (RiskRulesException)
            {
            }
        }
    }
}
