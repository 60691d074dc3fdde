using System.Text.Json;
using Vigil.Exchanges.Clients.Ncmec;
using Vigil.Exchanges.Fakes;
using Vigil.Hashing.Signals;
using static Vigil.Exchanges.Tests.Ncmec.NcmecTestKit;

namespace Vigil.Exchanges.Tests.Ncmec;

public class NcmecFetchTests
{
    [Fact]
    public async Task Backfill_over_several_ranges_and_pages_returns_every_entry_once_with_signals_and_provenance()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.AddMember(42, "Example ESP");
        fake.AddMember(43, "Other ESP");
        for (int i = 0; i < 60; i++)
            fake.Add(Entry(i, Day0.AddHours(4 * i + 1), member: i % 3 == 0 ? 43 : 42, video: i % 5 == 0));
        // An entry with only fingerprints Vigil cannot match is skipped and counted.
        fake.Add(new FakeNcmecEntry(42, "pdna-only", Day0.AddHours(30), Fingerprints: [new("pdna", "synthetic")]));

        var client = Client(fake, Options(fake, TimeSpan.FromDays(2), now: Day0.AddDays(10), pageSize: 7));
        var pages = await All(client);

        var entries = pages.SelectMany(p => p.Entries).ToList();
        Assert.Equal(60, entries.Count);
        Assert.Equal(60, entries.Select(e => e.SourceId).Distinct().Count());
        Assert.Equal(1, pages.Sum(p => p.Skipped));
        Assert.All(entries, e => Assert.Equal(HashListAction.Add, e.Action));
        Assert.All(entries, e => Assert.Equal(0, e.Line));

        var image = entries.Single(e => e.SourceId == "e1");
        Assert.Equal([new Signal(SignalType.Md5, Md5(1)), new Signal(SignalType.Sha1, Sha1(1)), new Signal(SignalType.Pdq, Pdq(1))], image.Signals);
        Assert.Equal("ncmec:member:42", image.Source);
        Assert.Equal("A1", image.Classification);
        using (var metadata = JsonDocument.Parse(image.MetadataJson!))
        {
            Assert.Equal("Example ESP", metadata.RootElement.GetProperty("memberName").GetString());
            Assert.Equal("image", metadata.RootElement.GetProperty("entryType").GetString());
        }
        var video = entries.Single(e => e.SourceId == "e5");
        Assert.Equal([new Signal(SignalType.VideoMd5, Md5(5))], video.Signals);
        Assert.Equal("ncmec:member:42", video.Source);
        Assert.Equal("ncmec:member:43", entries.Single(e => e.SourceId == "e3").Source);

        // Five two-day ranges, each ending in exactly one checkpoint at its end; every other page has none.
        var checkpoints = pages.Where(p => p.Checkpoint is not null).Select(p => p.Checkpoint!.At).ToList();
        Assert.Equal(Enumerable.Range(1, 5).Select(n => Day0.AddDays(2 * n)), checkpoints);
        Assert.NotNull(pages[^1].Checkpoint);
        Assert.True(pages.Count > 5, "ranges of 12 entries in pages of 7 take two pages each");
    }

    [Fact]
    public async Task Out_of_order_entries_move_the_checkpoint_only_at_range_ends_and_resuming_from_any_checkpoint_loses_nothing()
    {
        await using var fake = await FakeNcmec.StartAsync();
        var rng = new Random(17);
        for (int i = 0; i < 80; i++)
            fake.Add(Entry(i, Day0.AddSeconds(rng.Next(0, 6 * 86400))));
        var options = Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(6), pageSize: 5);
        var pages = await All(Client(fake, options));

        // Within a range the fake answers out of time order: a time-based checkpoint inside a range would lose entries.
        var firstRange = pages.TakeWhile(p => p.Checkpoint is null).Concat(pages.Where(p => p.Checkpoint is not null).Take(1)).SelectMany(p => p.Entries).ToList();
        var times = firstRange.Select(e => JsonDocument.Parse(e.MetadataJson!).RootElement.GetProperty("timestamp").GetString()).ToList();
        Assert.NotEqual(times.Order(StringComparer.Ordinal), times);

        for (int i = 0; i < pages.Count; i++)
        {
            if (pages[i].Checkpoint is not { } checkpoint)
                continue;
            // A fetch killed after committing page i resumes from its checkpoint: the union is everything.
            var before = Apply(pages.Take(i + 1));
            var resumed = await All(Client(fake, options), checkpoint);
            var bank = Apply(resumed, before);
            Assert.Equal(80, bank.Count);
            Assert.DoesNotContain(resumed.SelectMany(p => p.Entries), e => DateTimeOffset.Parse(
                JsonDocument.Parse(e.MetadataJson!).RootElement.GetProperty("timestamp").GetString()!) < checkpoint.At);
        }
        // The last checkpoint is the end of the fetch: nothing newer, so resuming reads nothing.
        Assert.Empty(await All(Client(fake, options), pages[^1].Checkpoint));
    }

    [Fact]
    public async Task Deleted_images_and_videos_become_removals_by_source_id()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Add(Entry(1, Day0.AddHours(1)));
        fake.Add(Entry(2, Day0.AddHours(2), video: true));
        fake.Add(Entry(3, Day0.AddHours(3), member: 43));
        var first = await All(Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1))));
        Assert.Equal(3, Apply(first).Count);

        fake.Delete(42, "e1", Day0.AddDays(1).AddHours(5));
        fake.Delete(42, "e2", Day0.AddDays(1).AddHours(6));
        var second = await All(Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(2))), first[^1].Checkpoint);

        var removals = second.SelectMany(p => p.Entries).ToList();
        Assert.Equal(["e1", "e2"], removals.Select(e => e.SourceId).Order());
        Assert.All(removals, e =>
        {
            Assert.Equal(HashListAction.Remove, e.Action);
            Assert.Equal("ncmec:member:42", e.Source);
            Assert.Empty(e.Signals);
        });
        Assert.Contains("\"entryType\":\"video\"", removals.Single(e => e.SourceId == "e2").MetadataJson);
        Assert.Equal(["e3"], Apply(second, Apply(first)).Values.Select(e => e.SourceId));
    }

    [Fact]
    public async Task A_member_filter_keeps_only_those_members_entries_and_deletions()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Add(Entry(1, Day0.AddHours(1), member: 42));
        fake.Add(Entry(2, Day0.AddHours(2), member: 43));
        fake.Add(Entry(3, Day0.AddHours(3), member: 44));
        fake.Delete(44, "e3", Day0.AddHours(4));
        var options = Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1)) with { Members = new HashSet<int> { 42, 44 } };
        var entries = (await All(Client(fake, options))).SelectMany(p => p.Entries).ToList();
        Assert.Equal(["ncmec:member:42", "ncmec:member:44"], entries.Select(e => e.Source).Order());
    }

    [Fact]
    public async Task Adaptive_ranges_split_a_range_that_holds_too_much_and_still_return_every_entry()
    {
        await using var fake = await FakeNcmec.StartAsync();
        for (int i = 0; i < 200; i++)
            fake.Add(Entry(i, Day0.AddMinutes(7 * i)));
        var options = Options(fake, TimeSpan.FromDays(30), now: Day0.AddDays(2), pageSize: 10, adaptive: true) with { MaxEntriesPerRange = 40 };
        var pages = await All(Client(fake, options));

        Assert.Equal(200, Apply(pages).Count);
        var checkpoints = pages.Where(p => p.Checkpoint is not null).Select(p => p.Checkpoint!.At).ToList();
        Assert.True(checkpoints.Count >= 5, $"the range should have been split, got {checkpoints.Count} checkpoints");
        Assert.Equal(checkpoints.Order(), checkpoints);
        Assert.Equal(Day0.AddDays(2), checkpoints[^1]);
    }

    [Fact]
    public async Task Nothing_new_yields_no_pages_and_a_broken_checkpoint_is_a_protocol_error()
    {
        await using var fake = await FakeNcmec.StartAsync();
        var options = Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1));
        Assert.Empty(await All(Client(fake, options), new Fetching.ExchangeCheckpoint(
            "{\"v\":1,\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2024-01-02T00:00:00Z\",\"rangeSeconds\":86400}", Day0.AddDays(1))));
        await Assert.ThrowsAsync<Fetching.ExchangeProtocolException>(() => All(Client(fake, options), new Fetching.ExchangeCheckpoint("{nope", Day0)));
    }

    [Fact]
    public async Task Status_and_members()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Self = (7, "Our Platform");
        fake.AddMember(42, "Example ESP");
        fake.AddMember(43, "Other ESP");
        var client = Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0));
        Assert.Equal(new NcmecMember(7, "Our Platform"), await client.GetStatusAsync());
        Assert.Equal([new NcmecMember(42, "Example ESP"), new NcmecMember(43, "Other ESP")], await client.GetMembersAsync());
    }

    [Fact]
    public void Environments_have_the_real_base_urls_and_parse_by_name()
    {
        Assert.Equal("https://report.cybertip.org/hashsharing", NcmecEnvironments.BaseUrl(NcmecEnvironment.Industry).AbsoluteUri);
        Assert.Equal("https://exttest.cybertip.org/hashsharing", NcmecEnvironments.BaseUrl(NcmecEnvironment.TestIndustry).AbsoluteUri);
        Assert.Equal("https://hashsharing.ncmec.org/npo", NcmecEnvironments.BaseUrl(NcmecEnvironment.Ngo).AbsoluteUri);
        Assert.Equal("https://hashsharing-test.ncmec.org/exploitative", NcmecEnvironments.BaseUrl(NcmecEnvironment.TestExploitative).AbsoluteUri);
        Assert.True(NcmecEnvironments.TryParse("test-ngo", out var env));
        Assert.Equal(NcmecEnvironment.TestNgo, env);
        Assert.False(NcmecEnvironments.TryParse("2", out _));
        Assert.False(NcmecEnvironments.TryParse("staging", out _));
    }
}
