using FsCheck;
using FsCheck.Fluent;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Tests;

/// <summary>The detectable hash function tells real rows from synthetic ones once there are more than t real rows.</summary>
public sealed class DetectableHashTests
{
    private static Arbitrary<(int T, int Real, int Synthetic, int Seed)> Setups() =>
        (from t in Gen.Choose(1, 10)
         from real in Gen.Choose(0, 25)
         from synthetic in Gen.Choose(0, 32)
         from seed in Gen.Choose(0, int.MaxValue)
         select (t, real, synthetic, seed)).ToArbitrary();

    [Fact]
    public void Real_rows_are_found_exactly_when_more_than_t_and_synthetic_rows_never()
    {
        Prop.ForAll(Setups(), setup =>
        {
            var dhf = DetectableHash.Create(setup.T);
            var rng = new Random(setup.Seed);
            var rows = new List<(ulong[] Values, bool Real)>();
            var zs = new HashSet<ulong>();
            while (rows.Count(r => r.Real) < setup.Real)
            {
                ulong z = (ulong)rng.NextInt64() % Field64.Modulus;
                if (!zs.Add(z))
                    continue;
                var values = new ulong[dhf.ValueCount];
                dhf.Evaluate(z, values);
                rows.Add((values, true));
            }
            for (int i = 0; i < setup.Synthetic; i++)
            {
                var values = new ulong[dhf.ValueCount];
                DetectableHash.Random(values);
                rows.Add((values, false));
            }
            var shuffled = rows.OrderBy(_ => rng.Next()).ToList();
            var found = DetectableHash.FindConsistent(shuffled.Select(r => r.Values).ToList(), setup.T);
            for (int i = 0; i < shuffled.Count; i++)
            {
                bool expected = shuffled[i].Real && setup.Real > setup.T;
                if (found[i] != expected)
                    return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Coefficients_round_trip_and_malformed_ones_are_refused()
    {
        var dhf = DetectableHash.Create(3);
        var again = DetectableHash.FromCoefficients(dhf.Coefficients.Select(r => r.ToArray()).ToArray());
        var a = new ulong[dhf.ValueCount];
        var b = new ulong[dhf.ValueCount];
        dhf.Evaluate(12345, a);
        again.Evaluate(12345, b);
        Assert.Equal(a, b);
        Assert.Throws<ArgumentException>(() => DetectableHash.FromCoefficients([[1, 2], [3]]));
        Assert.Throws<ArgumentException>(() => DetectableHash.FromCoefficients([[ulong.MaxValue]]));
    }
}
