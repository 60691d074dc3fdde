using FsCheck;
using FsCheck.Fluent;
using Vigil.Exchanges.Fakes;
using static Vigil.Exchanges.Tests.StopNcii.StopNciiKit;

namespace Vigil.Exchanges.Tests.StopNcii;

public class StopNciiPropertyTests
{
    /// <summary>One synthetic hash: which counter it is from, its status, and a small offset for its change time (ties included).</summary>
    private sealed record Hash(int N, bool Video, string Status, int Offset);

    private static readonly Gen<Hash> Hashes =
        from n in Gen.Choose(0, 500)
        from video in Gen.Elements(false, false, true)
        from status in Gen.Elements("Active", "Active", "Received", "Withdrawn", "Deleted")
        from offset in Gen.Choose(0, 20)
        select new Hash(n, video, status, offset);

    [Fact]
    public async Task EveryPageSizeReadsTheFakesSetOnceAndResumesAnywhere()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        long baseTime = 1_800_000_000;

        Prop.ForAll(Gen.ListOf(Hashes).ToArbitrary(), Gen.Choose(1, 12).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (hashes, pageSize, cut) =>
        {
            fake.Clear();
            foreach (var h in hashes)
                fake.Put(h.Video ? "VideoMD5" : "ImagePDQ", h.Video ? FakeStopNcii.SyntheticMd5(h.N) : FakeStopNcii.SyntheticPdq(h.N), h.Status, baseTime + h.Offset);
            var client = Client(fake, pageSize);

            var pages = AllPagesAsync(client).GetAwaiter().GetResult();

            // Every record exactly once, and the bank holds exactly the fake's live hashes.
            var ids = Ids(pages);
            Assert.Equal(fake.Records.Count, ids.Count);
            Assert.Equal(fake.Records.Select(r => r.HashValue).ToHashSet(), ids.ToHashSet());
            Assert.Equal(Live(fake), Apply(pages).Keys.ToHashSet());
            Assert.All(pages.SkipLast(1), p => Assert.Equal(pageSize, p.Entries.Count));
            Assert.True(pages[^1].EndsSnapshot);

            // Resuming after any page gives the rest, nothing twice.
            int k = cut % pages.Count;
            var resumed = AllPagesAsync(client, pages[k].Checkpoint).GetAwaiter().GetResult();
            Assert.Equal(ids, Ids(pages.Take(k + 1)).Concat(Ids(resumed)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
