using Vigil.Hashing.Vpdq;
using Vigil.Media.Processing;

namespace Vigil.Video;

/// <summary>
/// A video's frames hashed with their borders trimmed (<see cref="VpdqOptions.TrimBorders"/>): one entry per hashed
/// frame, as in <see cref="VpdqResult.Frames"/> (same numbers and times), the PDQ of the frame cropped to the rectangle
/// its window of frames agreed on (<see cref="BorderConsensus"/>), or the plain frame's hash where they agreed on none.
/// </summary>
/// <param name="Frames">The trimmed frames, ordered by frame number.</param>
/// <param name="Rectangle">The rectangle most cropped frames were cropped to; null when no frame was cropped.</param>
/// <param name="CroppedFrames">How many frames were cropped (the others' hashes are their plain ones).</param>
public sealed record TrimmedVpdq(IReadOnlyList<VpdqFrame> Frames, PixelRect? Rectangle, int CroppedFrames);
