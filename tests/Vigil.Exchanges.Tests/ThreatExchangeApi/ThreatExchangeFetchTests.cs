using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using static Vigil.Exchanges.Tests.ThreatExchangeApi.TeFixture;

namespace Vigil.Exchanges.Tests.ThreatExchangeApi;

/// <summary>Reading a privacy group's threat_updates from the fake: pages, mapping, resumes, deletions, staleness.</summary>
public class ThreatExchangeFetchTests
{
    [Fact]
    public async Task Full_fetch_reads_every_page_in_time_order_with_provenance()
    {
        await using var fake = await StartAsync();
        Seed(fake, 10);
        var client = Client(fake, pageSize: 3);

        var pages = await ReadAllAsync(client);

        Assert.Equal(4, pages.Count);
        Assert.Equal(4, fake.UpdateRequests);
        Assert.All(pages.SkipLast(1), p => Assert.False(p.EndsSnapshot));
        Assert.True(pages[^1].EndsSnapshot);
        var entries = pages.SelectMany(p => p.Entries).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(IndicatorId), entries.Select(e => e.SourceId));
        var first = entries[0];
        Assert.Equal(HashListAction.Add, first.Action);
        Assert.Equal([new Signal(SignalType.Pdq, Pdq(0))], first.Signals);
        Assert.Equal("threatexchange:app:" + OtherApp, first.Source);
        Assert.Equal("tag_a", first.Classification);
        Assert.Contains("\"privacy_group\":\"1234567890\"", first.MetadataJson);
        Assert.Contains($"\"id\":\"{DescriptorId(0)}\"", first.MetadataJson);
        Assert.All(pages, p => Assert.NotNull(p.Checkpoint));
    }

    [Fact]
    public async Task Hash_types_map_to_signal_types_and_unknown_or_malformed_ones_are_skipped_and_counted()
    {
        await using var fake = await StartAsync();
        fake.TagsAsEdge = false;
        var other = new FakeThreatExchangeDescriptor(DescriptorId(1), OtherApp, []);
        fake.Put(IndicatorId(1), "HASH_PDQ", Pdq(1).ToUpperInvariant(), T0, other);
        fake.Put(IndicatorId(2), "HASH_MD5", Md5(2), T0 + 1, new FakeThreatExchangeDescriptor(DescriptorId(2), OtherApp, ["media_type_photo"]));
        fake.Put(IndicatorId(3), "HASH_MD5", Md5(3), T0 + 2, new FakeThreatExchangeDescriptor(DescriptorId(3), OtherApp, ["media_type_video"]));
        fake.Put(IndicatorId(4), "HASH_VIDEO_MD5", Md5(4), T0 + 3, new FakeThreatExchangeDescriptor(DescriptorId(4), OtherApp, []));
        fake.Put(IndicatorId(5), "HASH_TMK", "synthetic-tmk", T0 + 4, new FakeThreatExchangeDescriptor(DescriptorId(5), OtherApp, []));
        fake.Put(IndicatorId(6), "URI", "https://example.invalid/", T0 + 5, new FakeThreatExchangeDescriptor(DescriptorId(6), OtherApp, []));
        fake.Put(IndicatorId(7), "HASH_PDQ", "not-a-hash", T0 + 6, new FakeThreatExchangeDescriptor(DescriptorId(7), OtherApp, []));
        fake.Put(IndicatorId(8), "HASH_SHA256", Pdq(8), T0 + 7, new FakeThreatExchangeDescriptor(DescriptorId(8), OtherApp, []));

        var pages = await ReadAllAsync(Client(fake, pageSize: 100));

        var page = Assert.Single(pages);
        Assert.Equal(3, page.Skipped);
        Assert.Equal(
            [("pdq", Pdq(1)), ("md5", Md5(2)), ("video_md5", Md5(3)), ("video_md5", Md5(4)), ("sha256", Pdq(8))],
            page.Entries.Select(e => (e.Signals.Single().Type.Name, e.Signals.Single().Value)));
        Assert.Equal("media_type_video", page.Entries[2].Classification);
    }

    [Fact]
    public async Task Deletions_and_descriptorless_updates_remove_by_indicator_id()
    {
        await using var fake = await StartAsync();
        Seed(fake, 6);
        var bank = new Dictionary<string, HashListEntry>();
        var pages = await ReadAllAsync(Client(fake));
        Apply(bank, pages);
        Assert.Equal(6, bank.Count);

        fake.Delete(IndicatorId(1), T0 + 100);
        fake.Put(IndicatorId(4), "HASH_PDQ", Pdq(4), T0 + 101); // no descriptor this app can see any more
        var more = await ReadAllAsync(Client(fake), pages[^1].Checkpoint);

        var removals = more.SelectMany(p => p.Entries).ToList();
        Assert.Equal([IndicatorId(1), IndicatorId(4)], removals.Select(e => e.SourceId));
        Assert.All(removals, e => Assert.Equal(HashListAction.Remove, e.Action));
        Assert.All(more, p => Assert.False(p.EndsSnapshot));
        Apply(bank, more);
        Assert.Equal(Expected(fake).Keys.Order().Where(id => id != IndicatorId(4)), bank.Keys.Order());
    }

    [Fact]
    public async Task Resuming_from_every_checkpoint_loses_nothing_and_reads_nothing_twice()
    {
        await using var fake = await StartAsync();
        Seed(fake, 11, perSecond: 3);
        var all = await ReadAllAsync(Client(fake, pageSize: 2));
        var everything = all.SelectMany(p => p.Entries).Select(e => e.SourceId).ToList();
        Assert.Equal(11, everything.Count);

        for (int k = 0; k < all.Count; k++)
        {
            var rest = await ReadAllAsync(Client(fake, pageSize: 2), all[k].Checkpoint);
            var resumed = all.Take(k + 1).Concat(rest).SelectMany(p => p.Entries).Select(e => e.SourceId).ToList();
            Assert.Equal(everything, resumed);
            if (k == all.Count - 1)
                Assert.Empty(rest.SelectMany(p => p.Entries));
        }
    }

    [Fact]
    public async Task A_resume_whose_cursor_expired_continues_from_the_newest_second_without_loss_or_repeats()
    {
        await using var fake = await StartAsync();
        Seed(fake, 9, perSecond: 3);
        var head = await ReadAllAsync(Client(fake, pageSize: 2), stopAfter: 2);
        fake.ExpireCursors();

        var rest = await ReadAllAsync(Client(fake, pageSize: 2), head[^1].Checkpoint);

        Assert.Equal(Enumerable.Range(0, 9).Select(IndicatorId), head.Concat(rest).SelectMany(p => p.Entries).Select(e => e.SourceId));
        Assert.Contains(fake.Host.Requests, r => r.Contains("start_time=" + (T0 + 1), StringComparison.Ordinal));
        Assert.All(rest, p => Assert.False(p.EndsSnapshot));
    }

    [Fact]
    public async Task Updates_in_the_newest_second_after_a_sync_are_read_once()
    {
        await using var fake = await StartAsync();
        Seed(fake, 4, perSecond: 4); // all at T0
        var first = await ReadAllAsync(Client(fake, pageSize: 3));
        Assert.Equal(4, first.Sum(p => p.Entries.Count));

        PutPdq(fake, 9, T0, "late");          // same second as the newest read
        fake.Delete(IndicatorId(2), T0);      // a deletion in that second too
        PutPdq(fake, 10, T0 + 1);
        var second = await ReadAllAsync(Client(fake, pageSize: 3), first[^1].Checkpoint);

        var entries = second.SelectMany(p => p.Entries).ToList();
        Assert.Equal([(IndicatorId(2), HashListAction.Remove), (IndicatorId(9), HashListAction.Add), (IndicatorId(10), HashListAction.Add)],
            entries.Select(e => (e.SourceId!, e.Action)));
        Assert.Contains(fake.Host.Requests, r => r.Contains("start_time=" + T0, StringComparison.Ordinal));

        var third = await ReadAllAsync(Client(fake, pageSize: 3), second[^1].Checkpoint);
        Assert.Empty(third.SelectMany(p => p.Entries));
    }

    [Fact]
    public async Task A_sync_with_nothing_new_still_refreshes_the_checkpoint_time()
    {
        await using var fake = await StartAsync();
        Seed(fake, 2);
        var first = await ReadAllAsync(Client(fake));
        var old = first[^1].Checkpoint! with { At = DateTimeOffset.UtcNow - TimeSpan.FromDays(30) };

        var again = await ReadAllAsync(Client(fake), old);

        var page = Assert.Single(again);
        Assert.Empty(page.Entries);
        Assert.True(page.Checkpoint!.At > DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_checkpoint_older_than_the_staleness_window_starts_over_and_ends_a_snapshot()
    {
        await using var fake = await StartAsync();
        Seed(fake, 5);
        var bank = new Dictionary<string, HashListEntry>();
        var first = await ReadAllAsync(Client(fake));
        Apply(bank, first);

        // Deleted while nobody polled, and the deletion record has expired (the API keeps them 90 days).
        fake.Delete(IndicatorId(3), T0 + 50);
        fake.ExpireDeletionsBefore(T0 + 51);
        PutPdq(fake, 7, T0 + 60);

        var fresh = first[^1].Checkpoint! with { At = DateTimeOffset.UtcNow - TimeSpan.FromDays(84) };
        var incremental = await ReadAllAsync(Client(fake), fresh);
        Assert.All(incremental, p => Assert.False(p.EndsSnapshot));
        Assert.Equal([IndicatorId(7)], incremental.SelectMany(p => p.Entries).Select(e => e.SourceId));

        int before = fake.Host.Requests.Count;
        var stale = first[^1].Checkpoint! with { At = DateTimeOffset.UtcNow - TimeSpan.FromDays(86) };
        var restarted = await ReadAllAsync(Client(fake), stale);
        var requests = fake.Host.Requests.Skip(before).ToList();
        Assert.DoesNotContain(requests, r => r.Contains("start_time", StringComparison.Ordinal));
        Assert.DoesNotContain("after=", requests[0], StringComparison.Ordinal);
        Assert.True(restarted[^1].EndsSnapshot);
        Apply(bank, restarted);
        Assert.Equal(Expected(fake), Actual(bank));
        Assert.DoesNotContain(IndicatorId(3), bank.Keys);
    }

    [Fact]
    public async Task A_full_fetch_resumed_mid_way_does_not_claim_a_snapshot()
    {
        await using var fake = await StartAsync();
        Seed(fake, 7);
        var head = await ReadAllAsync(Client(fake, pageSize: 2), stopAfter: 2);
        var rest = await ReadAllAsync(Client(fake, pageSize: 2), head[^1].Checkpoint);
        Assert.All(rest, p => Assert.False(p.EndsSnapshot));
        Assert.Equal(7, head.Concat(rest).Sum(p => p.Entries.Count));
    }

    [Fact]
    public async Task An_unreadable_checkpoint_starts_over()
    {
        await using var fake = await StartAsync();
        Seed(fake, 3);
        var pages = await ReadAllAsync(Client(fake), new ExchangeCheckpoint("{not json", DateTimeOffset.UtcNow));
        Assert.Equal(3, pages.Sum(p => p.Entries.Count));
        Assert.True(pages[^1].EndsSnapshot);
    }
}
