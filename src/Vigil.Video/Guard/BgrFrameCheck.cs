namespace Vigil.Video.Guard;

/// <summary>
/// Runs an RGB check on frames that come in BGR order (as uncompressed AVI and many camera APIs deliver them): only the
/// frames checked are reordered, into one reused buffer, so the frames that pass through are never touched.
/// </summary>
public sealed class BgrFrameCheck(IFrameCheck rgbCheck) : IFrameCheck
{
    private readonly IFrameCheck _inner = rgbCheck ?? throw new ArgumentNullException(nameof(rgbCheck));
    private byte[] _rgb = [];

    /// <inheritdoc />
    public bool IsHit(ReadOnlySpan<byte> bgr, int width, int height)
    {
        if (_rgb.Length != bgr.Length)
            _rgb = new byte[bgr.Length];
        for (int i = 0; i + 2 < bgr.Length; i += 3)
        {
            _rgb[i] = bgr[i + 2];
            _rgb[i + 1] = bgr[i + 1];
            _rgb[i + 2] = bgr[i];
        }
        return _inner.IsHit(_rgb, width, height);
    }
}
