using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Tests;

/// <summary>GF(2^64 - 59) with its division-free reduction, against BigInteger.</summary>
public sealed class Field64Tests
{
    private static readonly BigInteger P = Field64.Modulus;

    private static Arbitrary<ulong> Elements() => Gen.Frequency(
        (6, ArbMap.Default.GeneratorFor<ulong>().Select(v => v % Field64.Modulus)),
        (1, Gen.Elements(0UL, 1UL, 58UL, 59UL, Field64.Modulus - 1, Field64.Modulus - 59, uint.MaxValue, 1UL << 63))).ToArbitrary();

    [Fact]
    public void Arithmetic_agrees_with_BigInteger()
    {
        Prop.ForAll(Elements(), Elements(), (a, b) =>
            Field64.Add(a, b) == (ulong)((a + (BigInteger)b) % P)
            && Field64.Subtract(a, b) == (ulong)((((BigInteger)a - b) % P + P) % P)
            && Field64.Multiply(a, b) == (ulong)((BigInteger)a * b % P)
            && (a == 0 || Field64.Multiply(a, Field64.Invert(a)) == 1)).QuickCheckThrowOnFailure();
    }
}
