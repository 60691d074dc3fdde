using System.Text.Json;
using Vigil.Video;

namespace Vigil.Video.Tests;

/// <summary>The event JSON, grouping of consecutive matches, and the reconnect backoff of <c>vigil watch</c>.</summary>
public sealed class WatchGroupingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private static WatchMatch[] M(params (string Bank, long Id, int Distance)[] matches) =>
        matches.Select(m => new WatchMatch(m.Bank, m.Id, m.Distance)).ToArray();

    [Fact]
    public void TheEventIsOneJsonLineWithTheDocumentedFieldsInOrder()
    {
        var e = new WatchEvent(Now.ToOffset(TimeSpan.FromHours(2)), 150, 6.0000001, "KNOWN_SCENES", 7, 4, 93);
        string json = e.ToJson();
        Assert.Equal("""{"time":"2026-01-02T03:04:05.678Z","frame":150,"stream_seconds":6,"bank":"KNOWN_SCENES","content_id":7,"distance":4,"quality":93}""", json);
        Assert.DoesNotContain('\n', json);

        var half = new WatchEvent(Now, 12, 12.3456, "B", 1, 0, 100).ToJson();
        using var doc = JsonDocument.Parse(half);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["time", "frame", "stream_seconds", "bank", "content_id", "distance", "quality"], names);
        Assert.Equal(12.346, doc.RootElement.GetProperty("stream_seconds").GetDouble());
        Assert.Equal(DateTimeOffset.Parse(doc.RootElement.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Now);
    }

    [Fact]
    public void ASceneMatchingOnConsecutiveFramesIsOneEvent()
    {
        var grouper = new MatchGrouper(TimeSpan.FromSeconds(5));
        var events = new List<WatchEvent>();
        for (int i = 0; i < 40; i++) // 20 s at 2 frames/s, matching all along
            events.AddRange(grouper.Observe(Now, i * 12, i * 0.5, 90, M(("KNOWN", 1, i % 7))));
        var e = Assert.Single(events);
        Assert.Equal(0, e.Frame);
        Assert.Equal(0, e.Distance);
        Assert.Equal(1, grouper.OpenGroups);
    }

    [Fact]
    public void MatchingAgainAfterMoreThanTheGapIsANewEventButNotWithinIt()
    {
        var grouper = new MatchGrouper(TimeSpan.FromSeconds(5));
        Assert.Single(grouper.Observe(Now, 0, 0.0, 90, M(("KNOWN", 1, 3))));
        Assert.Empty(grouper.Observe(Now, 1, 0.5, 90, M(("KNOWN", 1, 3))));
        // Unmatched frames from 1.0 to 5.0 s, then a match at 5.5: 5.0 s since the last match, still the same group.
        for (double t = 1.0; t <= 5.0; t += 0.5)
            Assert.Empty(grouper.Observe(Now, (long)(t * 2), t, 90, []));
        Assert.Empty(grouper.Observe(Now, 11, 5.5, 90, M(("KNOWN", 1, 3))));
        // Gone from 6.0 to 11.0 s: 5.5 s without a match, so a new event.
        var again = Assert.Single(grouper.Observe(Now, 23, 11.5, 80, M(("KNOWN", 1, 9))));
        Assert.Equal(23, again.Frame);
        Assert.Equal(11.5, again.StreamSeconds);
        Assert.Equal(9, again.Distance);
        Assert.Equal(80, again.Quality);
    }

    [Fact]
    public void TwoInterleavedContentsAreGroupedEachOnItsOwn()
    {
        var grouper = new MatchGrouper(TimeSpan.FromSeconds(5));
        var events = new List<WatchEvent>();
        for (int i = 0; i < 20; i++)
        {
            var matches = (i % 3) switch
            {
                0 => M(("A", 1, 2)),
                1 => M(("B", 2, 5)),
                _ => M(("A", 1, 4), ("B", 2, 6)),
            };
            events.AddRange(grouper.Observe(Now, i, i * 0.5, 90, matches));
        }
        Assert.Equal([("A", 1L, 0L), ("B", 2L, 1L)], events.Select(e => (e.Bank, e.ContentId, e.Frame)));
        // The same content id in two banks is two contents.
        var other = Assert.Single(grouper.Observe(Now, 21, 10.5, 90, M(("C", 1, 0))));
        Assert.Equal("C", other.Bank);
    }

    [Fact]
    public void AContentMatchedSeveralTimesInOneFrameIsOneEventAtItsSmallestDistance()
    {
        // A bank video has many frames under one content id: a frame can match several of them.
        var grouper = new MatchGrouper(TimeSpan.FromSeconds(5));
        var events = grouper.Observe(Now, 0, 0, 77, M(("VIDEOS", 5, 20), ("VIDEOS", 6, 12), ("VIDEOS", 5, 3), ("VIDEOS", 5, 8)));
        Assert.Equal([(5L, 3), (6L, 12)], events.Select(e => (e.ContentId, e.Distance)));
    }

    [Fact]
    public void ClosedGroupsAreForgotten()
    {
        var grouper = new MatchGrouper(TimeSpan.FromSeconds(5));
        for (int i = 0; i < 100; i++)
            grouper.Observe(Now, i, i * 10.0, 90, M(("A", i, 0)));
        Assert.True(grouper.OpenGroups <= 2, $"{grouper.OpenGroups} groups kept");
    }

    [Fact]
    public void ReconnectWaitsDoubleFromHalfASecondToThirtySecondsAndStartOverOnceFramesFlow()
    {
        var policy = new ReconnectPolicy();
        var waits = Enumerable.Range(0, 10).Select(_ => policy.NextDelay().TotalSeconds).ToArray();
        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30], waits);
        Assert.Equal(10, policy.Attempts);
        policy.Reset();
        Assert.Equal(0, policy.Attempts);
        Assert.Equal([0.5, 1], new[] { policy.NextDelay().TotalSeconds, policy.NextDelay().TotalSeconds });

        var custom = new ReconnectPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250));
        Assert.Equal([100, 200, 250, 250], Enumerable.Range(0, 4).Select(_ => custom.NextDelay().TotalMilliseconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectPolicy(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
