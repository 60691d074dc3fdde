namespace Vigil.Video.Guard;

/// <summary>
/// A frame leaving the guard, in input order: its number, its pixels (the input's, or a black or frozen frame while
/// blocked), and whether it was blocked.
/// </summary>
/// <param name="Number">The input frame's number (0 is the first pushed).</param>
/// <param name="Rgb">What leaves: 8-bit RGB of the input's size.</param>
/// <param name="Blocked">True when the input frame was held back and <paramref name="Rgb"/> is a stand-in.</param>
public sealed record GuardedFrame(long Number, byte[] Rgb, bool Blocked);
