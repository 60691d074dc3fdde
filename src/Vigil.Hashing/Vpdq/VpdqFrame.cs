using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Vpdq;

/// <summary>
/// One hashed frame of a video (vPDQ): the frame's number in the decoded stream (from 0), PDQ's
/// quality, the PDQ hash of the frame at its own resolution, and its time (frame number / fps).
/// </summary>
/// <param name="FrameNumber">The frame's index in the video, from 0.</param>
/// <param name="Quality">PDQ quality, 0 to 100 (frames under 50 are left out of matching).</param>
/// <param name="Hash">The frame's PDQ hash.</param>
/// <param name="TimestampSeconds">Frame number divided by the frame rate.</param>
public readonly record struct VpdqFrame(int FrameNumber, int Quality, PdqHash Hash, double TimestampSeconds);
