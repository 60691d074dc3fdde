using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Review.Actions;

namespace Vigil.Review.Tests;

/// <summary>Rule conditions against a plain model of what they mean, over random rules and events.</summary>
public sealed class ActionRulePropertyTests
{
    private static readonly string[] Labels = ["csam", "ncii", "exchange-x", "test", "Tier1"];
    private static readonly string[] Sources = ["api", "scan", "psi", "watch", "classifier", "conversation", "lookup"];
    private static readonly string[] Classes = ["A1", "A2", "B1", "B2"];
    private static readonly string[] Verdicts = ["confirmed", "not_abuse", "escalate", "skip"];
    private static readonly WebhookTarget Target = new(new Uri("https://hooks.example.org/"), Encoding.UTF8.GetBytes("synthetic-secret-0123456789"), "test");

    private static Gen<string> Cased(string[] values) =>
        from value in Gen.Elements(values)
        from upper in Gen.Elements(false, true)
        select upper ? value.ToUpperInvariant() : value;

    private static Gen<string[]> SubsetOf(string[] values) =>
        Gen.ListOf(Cased(values)).Select(list => list.Distinct(StringComparer.OrdinalIgnoreCase).Take(3).ToArray());

    private static readonly Gen<ActionRule> Rules =
        from trigger in Gen.Elements(Enum.GetValues<ActionTrigger>())
        from verdict in Gen.Elements<string?>([null, .. Verdicts])
        from must in SubsetOf(Labels)
        from mustNotAll in SubsetOf(Labels)
        from classes in Gen.OneOf(Gen.Constant<string[]?>(null), SubsetOf(Classes).Where(c => c.Length > 0).Select(c => (string[]?)c))
        from sources in Gen.OneOf(Gen.Constant<string[]?>(null), SubsetOf(Sources).Where(s => s.Length > 0).Select(s => (string[]?)s))
        let mustNot = mustNotAll.Where(l => !must.Contains(l, StringComparer.OrdinalIgnoreCase)).ToArray()
        select new ActionRule("r", trigger, trigger == ActionTrigger.Decision ? verdict : null, must, mustNot, classes, sources, Target);

    private static readonly Gen<ActionMatch> Matches =
        from labels in SubsetOf(Labels)
        from classification in Gen.Elements<string?>([null, .. Classes])
        from id in Gen.Choose(1, 1000)
        select new ActionMatch("BANK", id, 0, labels, classification);

    private static readonly Gen<ActionEvent> Events =
        from trigger in Gen.Elements(Enum.GetValues<ActionTrigger>())
        from source in Cased(Sources)
        from verdict in Gen.Elements<string?>([null, .. Verdicts])
        from classification in Gen.Elements<string?>([null, null, .. Classes])
        from matches in Gen.ListOf(Matches).Select(m => m.Take(4).ToArray())
        select new ActionEvent
        {
            Trigger = trigger,
            OccurredAt = DateTimeOffset.UnixEpoch,
            Source = source,
            Verdict = verdict,
            Classification = classification,
            Matches = matches,
        };

    /// <summary>What the rules format says a rule means (docs/actions.md), written as sets.</summary>
    private static bool Model(ActionRule rule, ActionEvent e)
    {
        var ic = StringComparer.OrdinalIgnoreCase;
        var present = e.Matches.SelectMany(m => m.Labels).ToHashSet(ic);
        var classifications = e.Classification is { } reviewer ? [reviewer] : e.Matches.Select(m => m.Classification).OfType<string>().ToList();
        return e.Trigger == rule.Trigger
            && (rule.Verdict is null || ic.Equals(rule.Verdict, e.Verdict))
            && (rule.Sources is null || rule.Sources.Contains(e.Source, ic))
            && rule.MustHaveLabels.All(present.Contains)
            && !rule.MustNotHaveLabels.Any(present.Contains)
            && (rule.Classifications is null || classifications.Any(c => rule.Classifications.Contains(c, ic)));
    }

    [Fact]
    public void Applies_is_the_model_for_random_rules_and_events()
    {
        Prop.ForAll(Rules.ToArbitrary(), Events.ToArbitrary(), (rule, e) => rule.Applies(e) == Model(rule, e))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_required_label_is_needed_and_an_excluded_one_is_refused_on_any_match()
    {
        var rule = new ActionRule("r", ActionTrigger.Match, null, ["csam"], ["test"], null, null, Target);
        ActionEvent With(params string[][] labels) => new()
        {
            Trigger = ActionTrigger.Match,
            OccurredAt = DateTimeOffset.UnixEpoch,
            Source = "lookup",
            Matches = [.. labels.Select((l, i) => new ActionMatch("B", i, 0, l, null))],
        };
        Assert.True(rule.Applies(With(["CSAM"])));
        Assert.True(rule.Applies(With(["ncii"], ["csam"])));
        Assert.False(rule.Applies(With(["ncii"])));
        Assert.False(rule.Applies(With()));
        Assert.False(rule.Applies(With(["csam"], ["test"])));
        Assert.False(rule.Applies(With(["csam"]) with { Trigger = ActionTrigger.Decision }));
    }

    [Fact]
    public void The_reviewers_classification_wins_over_the_matches()
    {
        var rule = new ActionRule("r", ActionTrigger.Decision, "confirmed", null, null, ["A1"], ["api"], Target);
        var e = new ActionEvent
        {
            Trigger = ActionTrigger.Decision,
            OccurredAt = DateTimeOffset.UnixEpoch,
            Source = "api",
            Verdict = "confirmed",
            Matches = [new ActionMatch("B", 1, 0, [], "A1")],
        };
        Assert.True(rule.Applies(e));
        Assert.False(rule.Applies(e with { Classification = "B2" }));
        Assert.True(rule.Applies(e with { Classification = "a1", Matches = [] }));
        Assert.False(rule.Applies(e with { Verdict = "not_abuse" }));
        Assert.False(rule.Applies(e with { Source = "scan" }));
    }
}
