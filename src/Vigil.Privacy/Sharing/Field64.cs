namespace Vigil.Privacy.Sharing;

/// <summary>Arithmetic modulo the largest 64-bit prime, p = 2^64 - 59: the field of the detectable hash function.</summary>
internal static class Field64
{
    public const ulong Modulus = ulong.MaxValue - 58;

    public static ulong Reduce(ulong value) => value >= Modulus ? value - Modulus : value;

    public static ulong Add(ulong a, ulong b)
    {
        ulong sum = a + b;
        // A carry out of 64 bits means sum + 2^64, and 2^64 = 59 (mod p).
        if (sum < a)
            sum += 59;
        return Reduce(sum);
    }

    public static ulong Subtract(ulong a, ulong b) => a >= b ? a - b : Modulus - (b - a);

    /// <summary>The 128-bit product folded twice with 2^64 = 59 (mod p): no division.</summary>
    public static ulong Multiply(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out ulong low);
        // high * 59 + low < 2^70: fold once more.
        ulong high2 = Math.BigMul(high, 59, out ulong low2);
        ulong sum = low2 + low;
        if (sum < low2)
            high2++;
        // high2 * 2^64 + sum, high2 <= 59.
        ulong folded = sum + high2 * 59;
        if (folded < sum)
            folded += 59;
        return Reduce(folded);
    }

    public static ulong Invert(ulong a)
    {
        if (a == 0)
            throw new InvalidOperationException("zero has no inverse");
        ulong result = 1, power = a, exponent = Modulus - 2;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
                result = Multiply(result, power);
            power = Multiply(power, power);
            exponent >>= 1;
        }
        return result;
    }
}
