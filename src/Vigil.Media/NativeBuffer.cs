using System.Runtime.InteropServices;
using Vigil.Media.Native;

namespace Vigil.Media;

/// <summary>Owns a block of native memory: either GLib's (from libvips, released with g_free) or our own.</summary>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    private readonly bool _glib;

    private NativeBuffer(IntPtr pointer, nuint length, bool glib)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(pointer);
        Length = length;
        _glib = glib;
    }

    /// <summary>Size of the block in bytes.</summary>
    public nuint Length { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of a g_malloc'd block.</summary>
    public static NativeBuffer FromGLib(IntPtr pointer, nuint length) => new(pointer, length, glib: true);

    /// <summary>Allocates an uninitialised block with <see cref="NativeMemory.Alloc(nuint)"/>.</summary>
    public static NativeBuffer Allocate(nuint length) => new((IntPtr)NativeMemory.Alloc(length), length, glib: false);

    public byte* Pointer => (byte*)handle;

    protected override bool ReleaseHandle()
    {
        if (_glib)
        {
            GLib.Free(handle);
        }
        else
        {
            NativeMemory.Free((void*)handle);
        }

        return true;
    }
}
