using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vigil.Privacy.Sharing;

/// <summary>
/// An element of the prime field of p = 2^127 - 1 (a Mersenne prime: reduction is a shift and an
/// add), where the account's payload key is shared. Values are always reduced (0 &lt;= v &lt; p).
/// </summary>
public readonly struct Field127 : IEquatable<Field127>
{
    /// <summary>The modulus, 2^127 - 1.</summary>
    public static readonly UInt128 Modulus = (UInt128.One << 127) - 1;

    /// <summary>Bytes in an encoded element (little-endian).</summary>
    public const int Size = 16;

    private readonly UInt128 _value;

    private Field127(UInt128 reduced) => _value = reduced;

    /// <summary>The element's value, 0 &lt;= v &lt; p.</summary>
    public UInt128 Value => _value;

    /// <summary>Zero.</summary>
    public static Field127 Zero => default;

    /// <summary>One.</summary>
    public static Field127 One => new(UInt128.One);

    /// <summary>Whether this is zero.</summary>
    public bool IsZero => _value == UInt128.Zero;

    /// <summary>Any 128-bit value, reduced modulo p.</summary>
    public static Field127 From(UInt128 value) => new(Reduce(value));

    /// <summary>A uniformly random element from the system's CSPRNG (rejection sampling, no bias).</summary>
    public static Field127 Random()
    {
        Span<byte> bytes = stackalloc byte[Size];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var candidate = BinaryPrimitives.ReadUInt128LittleEndian(bytes) & Modulus;
            if (candidate != Modulus)
                return new Field127(candidate);
        }
    }

    /// <summary>Reads a canonical encoding (16 bytes, little-endian, less than p); false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out Field127 element)
    {
        element = default;
        if (encoded.Length != Size)
            return false;
        var value = BinaryPrimitives.ReadUInt128LittleEndian(encoded);
        if (value >= Modulus)
            return false;
        element = new Field127(value);
        return true;
    }

    /// <summary>Writes the 16-byte little-endian encoding.</summary>
    public void Encode(Span<byte> destination) => BinaryPrimitives.WriteUInt128LittleEndian(destination, _value);

    /// <summary>Sum.</summary>
    public static Field127 operator +(Field127 a, Field127 b) => new(Reduce(a._value + b._value));

    /// <summary>Difference.</summary>
    public static Field127 operator -(Field127 a, Field127 b) => new(Reduce(a._value + (Modulus - b._value)));

    /// <summary>Product: the 254-bit product folded at bit 127 (2^127 = 1 mod p).</summary>
    public static Field127 operator *(Field127 a, Field127 b)
    {
        ulong a0 = (ulong)a._value, a1 = (ulong)(a._value >> 64);
        ulong b0 = (ulong)b._value, b1 = (ulong)(b._value >> 64);
        // Four 64x64 products; a1, b1 < 2^63, so no partial sum overflows 256 bits.
        UInt128 p00 = Math.BigMul(a0, b0);
        UInt128 p01 = Math.BigMul(a0, b1);
        UInt128 p10 = Math.BigMul(a1, b0);
        UInt128 p11 = Math.BigMul(a1, b1);
        UInt128 middle = p01 + p10; // < 2^128 since a1, b1 < 2^63
        UInt128 low = p00 + (middle << 64);
        UInt128 carry = low < p00 ? UInt128.One : UInt128.Zero;
        UInt128 high = p11 + (middle >> 64) + carry;
        // value = high * 2^128 + low = (2*high + low>>127) * 2^127 + (low mod 2^127)
        UInt128 top = (high << 1) | (low >> 127);
        return new Field127(Reduce(Reduce(top) + (low & Modulus)));
    }

    /// <summary>Minus this.</summary>
    public static Field127 operator -(Field127 a) => Zero - a;

    /// <summary>The multiplicative inverse (Fermat: a^(p-2)); throws for zero.</summary>
    public Field127 Invert()
    {
        if (IsZero)
            throw new InvalidOperationException("zero has no inverse");
        var result = One;
        var power = this;
        var exponent = Modulus - 2;
        while (exponent != UInt128.Zero)
        {
            if ((exponent & UInt128.One) != UInt128.Zero)
                result *= power;
            power *= power;
            exponent >>= 1;
        }
        return result;
    }

    private static UInt128 Reduce(UInt128 value)
    {
        // value < 2^128 = 2p + 2: fold the top bit, then one conditional subtraction.
        value = (value & Modulus) + (value >> 127);
        return value >= Modulus ? value - Modulus : value;
    }

    /// <inheritdoc/>
    public bool Equals(Field127 other) => _value == other._value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Field127 other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(Field127 left, Field127 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Field127 left, Field127 right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => _value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
