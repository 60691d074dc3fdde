using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Vigil.Hashing.Pdq;

/// <summary>
/// A 256-bit PDQ hash. Bit <c>k = i*16 + j</c> is set when DCT coefficient (i, j) is above the median.
/// The hex form is the one every exchange uses: 64 lowercase digits, the reference's sixteen 16-bit
/// words printed from word 15 down to word 0.
/// </summary>
public readonly struct PdqHash : IEquatable<PdqHash>, ISpanFormattable
{
    /// <summary>Number of bits in a PDQ hash.</summary>
    public const int BitCount = 256;

    /// <summary>Number of hex digits in the canonical text form.</summary>
    public const int HexLength = 64;

    // _w0 holds bits 0..63 (words 0..3, word 0 in the low 16 bits), _w3 holds bits 192..255.
    private readonly ulong _w0, _w1, _w2, _w3;

    /// <summary>Creates a hash from its four 64-bit limbs, least significant (bits 0..63) first.</summary>
    public PdqHash(ulong bits0To63, ulong bits64To127, ulong bits128To191, ulong bits192To255)
    {
        _w0 = bits0To63;
        _w1 = bits64To127;
        _w2 = bits128To191;
        _w3 = bits192To255;
    }

    /// <summary>The all-zero hash (what PDQ returns for images under 5 pixels on a side).</summary>
    public static PdqHash Zero => default;

    /// <summary>Returns bit <paramref name="index"/> (0..255).</summary>
    public bool GetBit(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BitCount);
        ulong limb = (index >> 6) switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
        return ((limb >> (index & 63)) & 1) != 0;
    }

    /// <summary>The limb holding bits <c>64*index .. 64*index+63</c>.</summary>
    public ulong GetLimb(int index) => index switch
    {
        0 => _w0,
        1 => _w1,
        2 => _w2,
        3 => _w3,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Number of bits set.</summary>
    public int PopCount => BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1)
                           + BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    /// <summary>Hamming distance between two hashes (0..256).</summary>
    public static int Distance(in PdqHash a, in PdqHash b) =>
        BitOperations.PopCount(a._w0 ^ b._w0) + BitOperations.PopCount(a._w1 ^ b._w1)
        + BitOperations.PopCount(a._w2 ^ b._w2) + BitOperations.PopCount(a._w3 ^ b._w3);

    /// <summary>Hamming distance to <paramref name="other"/>.</summary>
    public int DistanceTo(in PdqHash other) => Distance(this, other);

    /// <summary>Parses 64 hex digits (either case); throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static PdqHash Parse(ReadOnlySpan<char> hex)
    {
        if (!TryParse(hex, out var hash, out var error))
            throw new FormatException(error);
        return hash;
    }

    /// <summary>Parses 64 hex digits (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out PdqHash hash) => TryParse(hex, out hash, out _);

    /// <summary>Parses 64 hex digits (either case), saying what is wrong when it fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out PdqHash hash, [NotNullWhen(false)] out string? error)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            error = $"a PDQ hash is {HexLength} hex digits, got {hex.Length} characters";
            return false;
        }
        Span<ulong> limbs = stackalloc ulong[4];
        for (int limb = 0; limb < 4; limb++)
        {
            // The text is most significant first: limb 3 comes first.
            ReadOnlySpan<char> part = hex.Slice((3 - limb) * 16, 16);
            ulong value = 0;
            for (int i = 0; i < 16; i++)
            {
                int digit = HexDigit(part[i]);
                if (digit < 0)
                {
                    error = $"'{part[i]}' at position {(3 - limb) * 16 + i + 1} is not a hex digit";
                    return false;
                }
                value = (value << 4) | (uint)digit;
            }
            limbs[limb] = value;
        }
        hash = new PdqHash(limbs[0], limbs[1], limbs[2], limbs[3]);
        error = null;
        return true;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>The 64-digit lowercase hex form.</summary>
    public override string ToString() => string.Create(HexLength, this, static (span, h) => h.TryFormat(span, out _, default, null));

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < HexLength)
        {
            charsWritten = 0;
            return false;
        }
        _w3.TryFormat(destination, out _, "x16", null);
        _w2.TryFormat(destination[16..], out _, "x16", null);
        _w1.TryFormat(destination[32..], out _, "x16", null);
        _w0.TryFormat(destination[48..], out _, "x16", null);
        charsWritten = HexLength;
        return true;
    }

    /// <summary>Writes the 32 bytes of the hash, big-endian (the order of the hex form).</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w0);
    }

    /// <inheritdoc />
    public bool Equals(PdqHash other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PdqHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>Equality.</summary>
    public static bool operator ==(PdqHash left, PdqHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PdqHash left, PdqHash right) => !left.Equals(right);
}
