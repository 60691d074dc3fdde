using Vigil.Review.Actions;

namespace Vigil.Review.Tests;

public sealed class ScaffoldTests
{
    [Fact]
    public async Task Without_rules_events_are_dropped()
    {
        await NoActions.Instance.RaiseAsync(new ActionEvent { Trigger = ActionTrigger.Match, OccurredAt = DateTimeOffset.UnixEpoch, Source = "lookup" });
        Assert.Same(NoActions.Instance, NoActions.Instance);
    }
}
