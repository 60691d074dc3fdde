using FsCheck;
using FsCheck.Fluent;

namespace Vigil.Conversations.Tests;

/// <summary>How the score accumulates: its formula, its bounds, its monotonicity, order independence, and the age gap.</summary>
public sealed class ScorerTests
{
    private static readonly string[] SignalIds =
        ["asks-age", "asks-school-or-location", "parents-around", "secrecy", "moves-channel", "shares-contact-or-link",
         "asks-photo-or-call", "offers-gifts", "flattery-isolation", "asks-to-meet"];

    private static readonly string[] Filler = ["hi", "lol ok", "gg", "see you tomorrow", "what did you get for question 4", ""];

    [Fact]
    public void Distinct_signals_combine_as_one_minus_the_product_of_what_each_leaves()
    {
        var scorer = new ConversationRiskScorer();
        scorer.Add("c", Messages.From("a", "b", "how old are you", 0));
        var risk = scorer.Add("c", Messages.From("a", "b", "this is our secret", 1));
        Assert.Equal(1 - (1 - 0.2) * (1 - 0.35), risk.Score, 1e-12);
        Assert.Equal(["asks-age", "secrecy"], risk.Signals.Select(s => s.Id));
        Assert.Equal([0, 1], risk.RaisedBy.Select(r => r.Index));
        Assert.Equal(["secrecy"], risk.RaisedBy[1].Signals);
    }

    [Fact]
    public void Repeats_add_a_capped_bonus()
    {
        var rules = RiskRules.Default;
        var scorer = new ConversationRiskScorer(rules);
        var scores = new List<double>();
        for (int i = 0; i < 8; i++)
            scores.Add(scorer.Add("c", Messages.From("a", "b", "this is our secret", i)).Score);
        for (int n = 1; n <= 8; n++)
        {
            double exponent = 1 + rules.RepeatBonus * Math.Min(n - 1, rules.MaxRepeats);
            Assert.Equal(1 - Math.Pow(1 - 0.35, exponent), scores[n - 1], 1e-12);
        }
        Assert.Equal(scores[rules.MaxRepeats], scores[^1]);
        // Only the messages that raised the score are listed: the first and the repeats that still counted.
        Assert.Equal(rules.MaxRepeats + 1, scorer.Current("c")!.RaisedBy.Count);
    }

    [Fact]
    public void Several_distinct_indicators_pass_the_threshold()
    {
        var scorer = new ConversationRiskScorer();
        ConversationRisk risk = null!;
        int minute = 0;
        foreach (string text in new[] { "are your parents home", "this is our secret", "we should meet" })
            risk = scorer.Add("c", Messages.From("a", "b", text, minute++));
        Assert.True(risk.PastThreshold, $"{risk.Score}");
    }

    [Fact]
    public void Score_stays_in_range_and_never_decreases_as_messages_are_added()
    {
        var texts = SignalIds.Select(DefaultRuleTests.Example).Concat(Filler).ToArray();
        var messages = Gen.Elements(texts).ArrayOf();
        Prop.ForAll(messages.ToArbitrary(), sequence =>
        {
            var scorer = new ConversationRiskScorer();
            double previous = 0;
            for (int i = 0; i < sequence.Length; i++)
            {
                var risk = scorer.Add("c", Messages.From(i % 2 == 0 ? "a" : "b", i % 2 == 0 ? "b" : "a", sequence[i], i));
                Assert.InRange(risk.Score, 0, 1);
                Assert.True(risk.Score >= previous, $"{risk.Score} < {previous}");
                Assert.Equal(i + 1, risk.Messages);
                previous = risk.Score;
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_order_of_distinct_signals_does_not_change_the_final_score()
    {
        var subsets =
            from count in Gen.Choose(1, SignalIds.Length)
            from picked in Gen.Shuffle(SignalIds)
            from seed in Gen.Choose(0, int.MaxValue)
            select (picked.Take(count).ToArray(), seed);
        Prop.ForAll(subsets.ToArbitrary(), c =>
        {
            var (ids, seed) = c;
            var shuffled = (string[])ids.Clone();
            new Random(seed).Shuffle(shuffled);
            Assert.Equal(Final(ids), Final(shuffled), 1e-12);
        }).QuickCheckThrowOnFailure();

        static double Final(string[] ids)
        {
            var scorer = new ConversationRiskScorer();
            for (int i = 0; i < ids.Length; i++)
                scorer.Add("c", Messages.From("a", "b", DefaultRuleTests.Example(ids[i]), i));
            return scorer.Current("c")!.Score;
        }
    }

    [Fact]
    public void A_single_weak_signal_stays_below_the_threshold_however_often_it_fires()
    {
        // One signal never scores more than its weight with every counted repeat; a weak one (that ceiling below the
        // threshold) can therefore never reach the threshold alone.
        var cases =
            from weight in Gen.Choose(1, 40).Select(w => w / 100.0)
            from bonus in Gen.Choose(0, 100).Select(b => b / 100.0)
            from maxRepeats in Gen.Choose(0, 6)
            from repeats in Gen.Choose(1, 40)
            select (weight, bonus, maxRepeats, repeats);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var rules = new RiskRules("t", 0.7, [new RiskRule("weak", "", c.weight, ["\\bweak\\b"])], null, c.bonus, c.maxRepeats);
            var scorer = new ConversationRiskScorer(rules);
            ConversationRisk risk = null!;
            for (int i = 0; i < c.repeats; i++)
                risk = scorer.Add("c", Messages.From("a", "b", "a weak signal", i));
            double ceiling = 1 - Math.Pow(1 - c.weight, 1 + c.bonus * c.maxRepeats);
            Assert.True(risk.Score <= ceiling + 1e-12, $"{c}: {risk.Score} > {ceiling}");
            if (ceiling < rules.Threshold)
                Assert.True(risk.Score < rules.Threshold, $"{c}: {risk.Score}");
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(34, 12, true)]
    [InlineData(18, 13, true)]
    [InlineData(19, 15, false)]
    [InlineData(40, 40, false)]
    [InlineData(13, 30, false)]
    [InlineData(15, 12, false)]
    public void The_age_gap_counts_an_adult_messaging_a_minor_at_least_min_years_younger(int senderAge, int recipientAge, bool fires)
    {
        var scorer = new ConversationRiskScorer();
        var risk = scorer.Add("c", Messages.From("a", "b", "hi"), new PartyFacts(DeclaredAge: senderAge), new PartyFacts(DeclaredAge: recipientAge));
        Assert.Equal(fires, risk.Signals.Any(s => s.Id == "age-gap"));
    }

    [Fact]
    public void The_age_gap_counts_once_and_from_18_when_the_adult_declared_no_age()
    {
        var scorer = new ConversationRiskScorer();
        // Only the recipient is declared (a minor of 12): the sender, not declared a minor, counts as 18.
        var first = scorer.Add("c", Messages.From("a", "b", "hi", 0), null, Messages.Minor(12));
        Assert.Equal(0.3, first.Score, 1e-12);
        // The reply comes from the minor: no gap; the facts are remembered for later messages.
        scorer.Add("c", Messages.From("b", "a", "hi", 1));
        var third = scorer.Add("c", Messages.From("a", "b", "hi again", 2));
        Assert.Equal(1, Assert.Single(third.Signals).Count);
        Assert.Equal(0.3, third.Score, 1e-12);
        // A minor of 15 with an undeclared adult: gap 3, under the default 5 years.
        var near = new ConversationRiskScorer().Add("d", Messages.From("a", "b", "hi"), null, Messages.Minor(15));
        Assert.Empty(near.Signals);
    }

    [Fact]
    public void Facts_declared_later_take_effect_from_that_message_on()
    {
        var scorer = new ConversationRiskScorer();
        Assert.Single(scorer.Add("c", Messages.From("a", "b", "how old are you", 0)).Signals);
        // Now the platform says the recipient is an adult: asks-age (to_minor) no longer applies to them.
        var risk = scorer.Add("c", Messages.From("a", "b", "what grade are you in", 1), null, Messages.Adult(35));
        Assert.Equal(1, Assert.Single(risk.Signals).Count);
    }

    [Fact]
    public void Conversations_are_kept_apart_and_can_be_forgotten()
    {
        var scorer = new ConversationRiskScorer();
        scorer.Add("one", Messages.From("a", "b", "this is our secret"));
        scorer.Add("two", Messages.From("x", "y", "hello"));
        Assert.Single(scorer.Current("one")!.Signals);
        Assert.Empty(scorer.Current("two")!.Signals);
        Assert.Equal(2, scorer.Conversations);
        Assert.True(scorer.Forget("one"));
        Assert.Null(scorer.Current("one"));
        Assert.False(scorer.Forget("one"));
    }

    [Fact]
    public void Many_threads_scoring_different_conversations_get_the_scores_one_thread_gets()
    {
        var texts = SignalIds.Select(DefaultRuleTests.Example).Concat(Filler).ToArray();
        var conversations = Enumerable.Range(0, 64).Select(c => Enumerable.Range(0, 40).Select(i => texts[(c * 7 + i * (c % 5 + 1)) % texts.Length]).ToArray()).ToArray();
        var sequential = new ConversationRiskScorer();
        for (int c = 0; c < conversations.Length; c++)
            for (int i = 0; i < conversations[c].Length; i++)
                sequential.Add($"c{c}", Messages.From("a", "b", conversations[c][i], i));
        var parallel = new ConversationRiskScorer();
        Parallel.For(0, conversations.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, c =>
        {
            for (int i = 0; i < conversations[c].Length; i++)
                parallel.Add($"c{c}", Messages.From("a", "b", conversations[c][i], i));
        });
        for (int c = 0; c < conversations.Length; c++)
            Assert.Equal(sequential.Current($"c{c}")!.Score, parallel.Current($"c{c}")!.Score);
    }

    [Fact]
    public void A_message_that_fires_nothing_allocates_the_same_however_many_rules_there_are()
    {
        static long Allocated(int ruleCount)
        {
            var rules = new RiskRules("t", 0.7, Enumerable.Range(0, ruleCount).Select(i => new RiskRule($"r{i}", "", 0.1, [$"\\bword{i}\\b", "zz+q"])).ToList());
            var scorer = new ConversationRiskScorer(rules);
            var message = Messages.From("a", "b", "an ordinary message about homework and the weekend");
            for (int i = 0; i < 50; i++)
                scorer.Add("c", message); // warm-up: the matchers build their automata
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
                scorer.Add("c", message);
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        }
        long few = Allocated(1), many = Allocated(60);
        Assert.True(many <= few + 16, $"{few} bytes per message with 1 rule, {many} with 60");
        Assert.True(many < 400, $"{many} bytes per message");
    }
}
