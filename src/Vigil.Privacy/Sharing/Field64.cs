namespace Vigil.Privacy.Sharing;

/// <summary>Arithmetic modulo the largest 64-bit prime, p = 2^64 - 59: the field of the detectable hash function.</summary>
internal static class Field64
{
    public const ulong Modulus = ulong.MaxValue - 58;

    public static ulong Reduce(ulong value) => value >= Modulus ? value - Modulus : value;

    public static ulong Add(ulong a, ulong b)
    {
        UInt128 sum = (UInt128)a + b;
        return (ulong)(sum % Modulus);
    }

    public static ulong Subtract(ulong a, ulong b) => a >= b ? a - b : Modulus - (b - a);

    public static ulong Multiply(ulong a, ulong b) => (ulong)((UInt128)a * b % Modulus);

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
