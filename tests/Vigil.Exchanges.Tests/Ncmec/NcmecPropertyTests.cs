using FsCheck;
using FsCheck.Fluent;
using Vigil.Exchanges.Fakes;
using static Vigil.Exchanges.Tests.Ncmec.NcmecTestKit;

namespace Vigil.Exchanges.Tests.Ncmec;

public class NcmecPropertyTests
{
    [Fact]
    public void Property_the_union_of_pages_is_the_fakes_set_for_random_entries_page_sizes_and_ranges()
    {
        var gen =
            from seed in Gen.Choose(0, int.MaxValue)
            from count in Gen.Choose(0, 120)
            from pageSize in Gen.Choose(1, 40)
            from rangeHours in Gen.Choose(1, 96)
            from adaptive in Gen.Elements(false, true)
            select (seed, count, pageSize, rangeHours, adaptive);

        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (seed, count, pageSize, rangeHours, adaptive) = c;
            return Run(seed, count, pageSize, rangeHours, adaptive).GetAwaiter().GetResult();
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task<bool> Run(int seed, int count, int pageSize, int rangeHours, bool adaptive)
    {
        var rng = new Random(seed);
        await using var fake = await FakeNcmec.StartAsync();
        var now = Day0.AddDays(8);
        for (int i = 0; i < count; i++)
        {
            var at = Day0.AddSeconds(rng.Next(0, 8 * 86400));
            fake.Add(Entry(i, at, member: 40 + rng.Next(3), video: rng.Next(4) == 0));
            if (rng.Next(6) == 0)
                fake.Delete(40 + rng.Next(3), $"e{i}", Min(at.AddSeconds(rng.Next(0, 3600)), now.AddSeconds(-1)));
        }
        var options = Options(fake, TimeSpan.FromHours(rangeHours), now, pageSize, adaptive) with { MaxEntriesPerRange = Math.Max(2, count / 3) };
        var pages = await All(Client(fake, options));

        var expectedAdds = fake.Entries.Where(e => !e.Deleted).Select(e => ($"ncmec:member:{e.MemberId}", e.Id)).Order().ToList();
        var expectedRemovals = fake.Entries.Where(e => e.Deleted).Select(e => ($"ncmec:member:{e.MemberId}", e.Id)).Order().ToList();
        var entries = pages.SelectMany(p => p.Entries).ToList();
        var adds = entries.Where(e => e.Action == HashListAction.Add).Select(e => (e.Source!, e.SourceId!)).Distinct().Order().ToList();
        var removals = entries.Where(e => e.Action == HashListAction.Remove).Select(e => (e.Source!, e.SourceId!)).Distinct().Order().ToList();
        var checkpoints = pages.Where(p => p.Checkpoint is not null).Select(p => p.Checkpoint!.At).ToList();
        bool orderedCheckpoints = checkpoints.SequenceEqual(checkpoints.Order()) && checkpoints.Count > 0 && checkpoints[^1] == now;
        bool lastPageHasCheckpoint = pages.Count > 0 && pages[^1].Checkpoint is not null;
        return adds.SequenceEqual(expectedAdds) && removals.SequenceEqual(expectedRemovals) && orderedCheckpoints && lastPageHasCheckpoint;
    }
}
