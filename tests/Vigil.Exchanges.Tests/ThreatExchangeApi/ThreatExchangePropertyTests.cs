using FsCheck;
using FsCheck.Fluent;
using static Vigil.Exchanges.Tests.ThreatExchangeApi.TeFixture;

namespace Vigil.Exchanges.Tests.ThreatExchangeApi;

/// <summary>For random groups (many updates sharing a second, deletions) and page sizes, the pages applied in order are the fake's set.</summary>
public class ThreatExchangePropertyTests
{
    [Fact]
    public async Task Property_the_union_of_pages_is_the_fakes_set_even_when_interrupted_and_resumed()
    {
        await using var fake = await StartAsync();
        var gen =
            from seed in Gen.Choose(0, int.MaxValue)
            from count in Gen.Choose(0, 40)
            from seconds in Gen.Choose(1, 12)
            from pageSize in Gen.Choose(1, 9)
            from stopAfter in Gen.Choose(1, 6)
            select (seed, count, seconds, pageSize, stopAfter);
        Prop.ForAll(gen.ToArbitrary(), c => Check(fake, c.seed, c.count, c.seconds, c.pageSize, c.stopAfter).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    private static async Task<bool> Check(Fakes.FakeThreatExchange fake, int seed, int count, int seconds, int pageSize, int stopAfter)
    {
        fake.Clear();
        var random = new Random(seed);
        for (int n = 0; n < count; n++)
            PutPdq(fake, n, T0 + random.Next(seconds));
        var bank = new Dictionary<string, HashListEntry>();

        // A first sync, killed after a few pages and resumed from the last page it committed.
        var head = await ReadAllAsync(Client(fake, pageSize), stopAfter: stopAfter);
        var rest = head.Count == stopAfter && head[^1].Checkpoint is { } cp && !head[^1].EndsSnapshot ? await ReadAllAsync(Client(fake, pageSize), cp) : [];
        Apply(bank, head.Concat(rest));
        var adds = head.Concat(rest).SelectMany(p => p.Entries).Select(e => e.SourceId).ToList();
        if (adds.Count != adds.Distinct().Count() || !Same(Expected(fake), Actual(bank)))
            return false;

        // Changes after it, some in the newest second already read; the next sync brings the copy level.
        long newest = T0 + seconds - 1;
        for (int n = 0; n < count; n++)
        {
            switch (random.Next(4))
            {
                case 0:
                    fake.Delete(IndicatorId(n), newest + random.Next(2));
                    break;
                case 1:
                    PutPdq(fake, n, newest + random.Next(2), "updated");
                    break;
            }
        }
        for (int n = count; n < count + random.Next(5); n++)
            PutPdq(fake, n, newest + random.Next(2));
        var last = (rest.Count > 0 ? rest : head)[^1].Checkpoint;
        Apply(bank, await ReadAllAsync(Client(fake, pageSize), last));
        return Same(Expected(fake), Actual(bank));
    }

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
