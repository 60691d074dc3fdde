namespace Vigil.Video.Guard;

/// <summary>Whether a frame shows known material (e.g. a PDQ list shipped to the device: <see cref="PdqListCheck"/>, or a classifier past its threshold).</summary>
public interface IFrameCheck
{
    /// <summary>True when the frame (8-bit RGB, <paramref name="width"/> x <paramref name="height"/>) must not leave.</summary>
    bool IsHit(ReadOnlySpan<byte> rgb, int width, int height);
}
