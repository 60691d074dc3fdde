namespace Vigil.Video.Guard;

/// <summary>
/// A frame leaving the guard, in input order: its number, its pixels (the input's, or a black or frozen frame while
/// blocked), and whether it was blocked. The pixels are the guard's pooled buffer: valid until the next
/// <see cref="FrameGuard.Push"/> or <see cref="FrameGuard.Flush"/>; copy them to keep them longer.
/// </summary>
/// <param name="Number">The input frame's number (0 is the first pushed).</param>
/// <param name="Rgb">What leaves: 8-bit RGB of the input's size.</param>
/// <param name="Blocked">True when the input frame was held back and <paramref name="Rgb"/> is a stand-in.</param>
public readonly record struct GuardedFrame(long Number, ReadOnlyMemory<byte> Rgb, bool Blocked);
