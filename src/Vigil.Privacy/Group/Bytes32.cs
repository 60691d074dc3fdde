using System.Runtime.CompilerServices;

namespace Vigil.Privacy.Group;

/// <summary>32 bytes held by value (a point's or a scalar's encoding).</summary>
[InlineArray(32)]
internal struct Bytes32
{
    private byte _first;

    public static Bytes32 From(ReadOnlySpan<byte> source)
    {
        var bytes = default(Bytes32);
        source[..32].CopyTo(bytes);
        return bytes;
    }
}
