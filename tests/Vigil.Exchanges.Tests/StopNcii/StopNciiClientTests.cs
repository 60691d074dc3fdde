using System.Text.Json;
using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using Vigil.Testing;
using static Vigil.Exchanges.Tests.StopNcii.StopNciiKit;

namespace Vigil.Exchanges.Tests.StopNcii;

public class StopNciiClientTests
{
    [Fact]
    public async Task FullFetchReadsEveryPageOldestFirst()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var records = fake.AddSynthetic(25);
        var clock = new ManualClock();
        var client = Client(fake, pageSize: 10, clock: clock);

        var pages = await AllPagesAsync(client);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Entries.Count));
        Assert.Equal(records.Select(r => r.HashValue), Ids(pages));
        Assert.All(pages.SelectMany(p => p.Entries), e =>
        {
            Assert.Equal(HashListAction.Add, e.Action);
            Assert.Equal("stopncii", e.Source);
            Assert.Equal(0, e.Line);
            Assert.Equal(new Signal(SignalType.Pdq, e.SourceId!), Assert.Single(e.Signals));
            Assert.Contains("\"hashStatus\":\"Active\"", e.MetadataJson);
            Assert.Contains("\"caseNumbers\":{", e.MetadataJson);
        });
        Assert.All(pages, p => Assert.Equal(clock.GetUtcNow(), p.Checkpoint!.At));
        Assert.Equal([false, false, true], pages.Select(p => p.EndsSnapshot));
        Assert.All(pages, p => Assert.Equal(0, p.Skipped));
        Assert.Null(client.StartedOverBecause);

        var requests = fake.Host.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal("GET /v1/FetchHashes?startTimestamp=10&pageSize=10", requests[0]);
        Assert.All(requests.Skip(1), r => Assert.Contains("&nextPageToken=", r));
    }

    [Fact]
    public async Task ResumingFromEachPagesCheckpointLosesNothingAndRepeatsNothing()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var all = fake.AddSynthetic(23).Select(r => r.HashValue).ToList();
        var client = Client(fake, pageSize: 5);
        var pages = await AllPagesAsync(client);
        Assert.Equal(5, pages.Count);

        for (int k = 0; k < pages.Count; k++)
        {
            var resumed = await AllPagesAsync(client, pages[k].Checkpoint);
            Assert.Equal(all, Ids(pages.Take(k + 1)).Concat(Ids(resumed)));
            Assert.DoesNotContain(resumed, p => p.EndsSnapshot);
        }

        // After the last page, only what changed since.
        var later = fake.AddSynthetic(3, first: 100);
        var next = await AllPagesAsync(client, pages[^1].Checkpoint);
        Assert.Equal(later.Select(r => r.HashValue), Ids(next));
        var nothing = await AllPagesAsync(client, next[^1].Checkpoint);
        Assert.Empty(Assert.Single(nothing).Entries);
    }

    [Fact]
    public async Task TheCheckpointIsTheQueryAndThePageToken()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(3);
        var pages = await AllPagesAsync(Client(fake, pageSize: 2));

        using var middle = JsonDocument.Parse(pages[0].Checkpoint!.Value);
        Assert.Equal(10, middle.RootElement.GetProperty("startTimestamp").GetInt64());
        Assert.NotEmpty(middle.RootElement.GetProperty("nextPageToken").GetString()!);
        using var end = JsonDocument.Parse(pages[^1].Checkpoint!.Value);
        Assert.Equal(fake.Records[^1].LastModTimestamp + 1, end.RootElement.GetProperty("startTimestamp").GetInt64());
        Assert.False(end.RootElement.TryGetProperty("nextPageToken", out _));
    }

    [Fact]
    public async Task WithdrawnAndDeletedHashesBecomeRemovalsBySourceId()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var records = fake.AddSynthetic(6);
        var client = Client(fake, pageSize: 4);
        var first = await AllPagesAsync(client);
        var bank = Apply(first);
        Assert.Equal(6, bank.Count);

        fake.Withdraw(records[1].HashValue);
        fake.Delete(records[4].HashValue);
        var changes = await AllPagesAsync(client, first[^1].Checkpoint);

        var entries = changes.SelectMany(p => p.Entries).ToList();
        Assert.Equal([records[1].HashValue, records[4].HashValue], entries.Select(e => e.SourceId));
        Assert.All(entries, e => Assert.Equal(HashListAction.Remove, e.Action));
        Assert.Contains("\"hashStatus\":\"Withdrawn\"", entries[0].MetadataJson);
        Assert.Contains("\"hashStatus\":\"Deleted\"", entries[1].MetadataJson);
        Apply(changes, bank);
        Assert.Equal(Live(fake), bank.Keys.ToHashSet());
        Assert.Equal(4, bank.Count);
    }

    [Fact]
    public async Task VideoMd5IsAVideoSignalAndUnknownTypesAreSkippedAndCounted()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.Put("ImagePDQ", FakeStopNcii.SyntheticPdq(1));
        fake.Put("VideoMD5", FakeStopNcii.SyntheticMd5(2));
        fake.Put("VideoTMK", "synthetic-tmk-not-read");
        fake.Put("Text", "synthetic text");
        fake.Put("URL", "https://example.invalid/synthetic");
        fake.Put("ImagePDQ", "not-hex"); // a broken value is skipped too
        var log = new List<string>();

        var page = Assert.Single(await AllPagesAsync(Client(fake, log: log)));

        Assert.Equal([SignalType.Pdq, SignalType.VideoMd5], page.Entries.Select(e => Assert.Single(e.Signals).Type));
        Assert.Equal(FakeStopNcii.SyntheticMd5(2), page.Entries[1].SourceId);
        Assert.Equal(4, page.Skipped);
        Assert.Contains(log, m => m.Contains("skipped 4 record(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACheckpointOlderThanThirtyDaysStartsOverFromAFullFetch()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var records = fake.AddSynthetic(7);
        var clock = new ManualClock();
        var log = new List<string>();
        var client = Client(fake, pageSize: 3, clock: clock, log: log);
        var pages = await AllPagesAsync(client);
        var bank = Apply(pages);

        // A month passes: one hash is withdrawn and then forgotten by StopNCII, so no delta would ever say so.
        fake.Withdraw(records[2].HashValue);
        fake.Purge(records[2].HashValue);
        fake.AddSynthetic(1, first: 50);
        clock.Advance(TimeSpan.FromDays(31));
        int before = fake.Host.Requests.Count;

        var again = await AllPagesAsync(client, pages[1].Checkpoint);

        Assert.NotNull(client.StartedOverBecause);
        Assert.Contains("31 days old", client.StartedOverBecause);
        Assert.Contains(log, m => m.Contains("from the start", StringComparison.Ordinal));
        Assert.Equal("GET /v1/FetchHashes?startTimestamp=10&pageSize=3", fake.Host.Requests[before]);
        Assert.True(again[^1].EndsSnapshot);
        Apply(again, bank);
        Assert.Equal(Live(fake), bank.Keys.ToHashSet());
        Assert.DoesNotContain(records[2].HashValue, bank.Keys);

        // The same kind of checkpoint 29 days old resumes: no start-over.
        before = fake.Host.Requests.Count;
        await AllPagesAsync(client, pages[^1].Checkpoint! with { At = clock.GetUtcNow() - TimeSpan.FromDays(29) });
        Assert.Null(client.StartedOverBecause);
        Assert.DoesNotContain("startTimestamp=10&", fake.Host.Requests[before]);
    }

    [Fact]
    public async Task ACheckpointThisClientCannotReadStartsOver()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(2);
        var client = Client(fake);

        var pages = await AllPagesAsync(client, new ExchangeCheckpoint("{\"somethingElse\":1}", DateTimeOffset.UtcNow));

        Assert.Contains("cannot be read", client.StartedOverBecause);
        Assert.Equal(2, Ids(pages).Count);
        Assert.True(pages[^1].EndsSnapshot);
    }

    [Fact]
    public async Task AStoredPageTokenStopNciiNoLongerTakesReReadsItsQuery()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var all = fake.AddSynthetic(9).Select(r => r.HashValue).ToList();
        var log = new List<string>();
        var client = Client(fake, pageSize: 4, log: log);
        var pages = await AllPagesAsync(client);
        fake.ExpirePageTokens();

        var resumed = await AllPagesAsync(client, pages[0].Checkpoint);

        Assert.Equal(all, Ids(resumed)); // read again from the query's start: nothing lost (adding again is harmless)
        Assert.True(resumed[^1].EndsSnapshot); // that query was the full fetch, now read whole in one go

        // A token past the full fetch: the delta query is read again, and is no snapshot.
        var later = fake.AddSynthetic(6, first: 100).Select(r => r.HashValue).ToList();
        var delta = await AllPagesAsync(client, pages[^1].Checkpoint);
        fake.ExpirePageTokens();
        var again = await AllPagesAsync(client, delta[0].Checkpoint);
        Assert.Equal(later, Ids(again));
        Assert.DoesNotContain(again, p => p.EndsSnapshot);
        Assert.Contains(log, m => m.Contains("refused the stored page token", StringComparison.Ordinal));
        Assert.Null(client.StartedOverBecause);
    }

    [Fact]
    public async Task ChangesWhileAFetchPagesAreStillRead()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var records = fake.AddSynthetic(6);
        var client = Client(fake, pageSize: 2);
        var pages = new List<ExchangePage>();
        await foreach (var page in client.FetchAsync(null))
        {
            pages.Add(page);
            if (pages.Count == 1)
                fake.Withdraw(records[0].HashValue); // already read: it moves to the end
        }
        var bank = Apply(pages);
        Assert.Equal(Live(fake), bank.Keys.ToHashSet());
        Assert.Equal(HashListAction.Remove, pages[^1].Entries[^1].Action);
    }
}
