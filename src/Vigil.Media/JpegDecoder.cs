using Vigil.Media.Native;

namespace Vigil.Media;

/// <summary>
/// Decodes JPEG with TurboJPEG: default (accurate integer DCT, fancy upsampling) decode straight into the output
/// buffer. Owns one decompressor handle and a CMYK scratch buffer, reused between images. Not thread-safe.
/// </summary>
internal sealed unsafe class JpegDecoder : IDisposable
{
    private IntPtr _handle;
    private byte[]? _cmykScratch;
    private bool _disposed;

    internal JpegDecoder()
    {
        _handle = CreateHandle();
    }

    private static IntPtr CreateHandle()
    {
        var handle = TurboJpeg.InitDecompress();
        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("TurboJPEG could not create a decompressor: " + TurboJpeg.LastError(IntPtr.Zero));
        }

        return handle;
    }

    internal RgbImage Decode(ReadOnlySpan<byte> data, long maxPixels, DecodeCompat compat)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_handle == IntPtr.Zero)
        {
            _handle = CreateHandle();
        }

        try
        {
            return DecodeCore(data, maxPixels, compat);
        }
        catch
        {
            // libjpeg-turbo 2.1's tjDecompressHeader3 returns after an error without resetting the decompressor, so
            // every later header read on the same handle fails with the same message. Start afresh after any failure
            // (cheap: failures are rare, and creating a handle is a small allocation).
            ResetHandle();
            throw;
        }
    }

    private void ResetHandle()
    {
        var handle = _handle;
        _handle = IntPtr.Zero;
        if (handle != IntPtr.Zero)
        {
            _ = TurboJpeg.Destroy(handle);
        }
    }

    private RgbImage DecodeCore(ReadOnlySpan<byte> data, long maxPixels, DecodeCompat compat)
    {
        fixed (byte* src = data)
        {
            var size = (nuint)data.Length;
            int width = 0, height = 0, subsampling = 0, colorspace = 0;
            string? headerWarning = null;
            if (TurboJpeg.DecompressHeader3(_handle, src, size, &width, &height, &subsampling, &colorspace) != 0)
            {
                // libjpeg-turbo 2.1 also returns -1 for a mere warning (e.g. extraneous bytes before a marker), with
                // the header read in full. libjpeg and Pillow carry on after warnings, and so do we, keeping the
                // message for the caller.
                var message = TurboJpeg.LastError(_handle);
                if (TurboJpeg.GetErrorCode(_handle) != TurboJpeg.ErrorWarning || width <= 0 || height <= 0 || IsTruncation(message))
                {
                    throw HeaderError(message, data);
                }

                headerWarning = Describe(message);
            }

            if (width <= 0 || height <= 0)
            {
                // A header cut short reads as a "tables-only" stream with no frame, so no dimensions.
                throw TruncationProbe.Explain(ImageFormat.Jpeg, data) is { } truncation
                    ? new ImageDecodeException(DecodeErrorKind.Truncated, $"truncated JPEG data ({truncation})")
                    : new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt JPEG data: no image frame (dimensions {width}x{height})");
            }

            Limits.CheckPixels(width, height, maxPixels);

            var image = RgbImage.Allocate(width, height, ImageFormat.Jpeg);
            try
            {
                string? decodeWarning;
                if (colorspace is TurboJpeg.ColorspaceCmyk or TurboJpeg.ColorspaceYcck)
                {
                    decodeWarning = DecodeCmyk(src, size, image, compat);
                }
                else
                {
                    fixed (byte* dst = image.WritablePixels)
                    {
                        var rc = TurboJpeg.Decompress2(_handle, src, size, dst, width, width * 3, height, TurboJpeg.PixelFormatRgb, TurboJpeg.FlagLimitScans);
                        decodeWarning = CheckResult(rc, data);
                    }
                }

                image.Warnings = Warnings(headerWarning, decodeWarning);
                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
    }

    private string? DecodeCmyk(byte* src, nuint size, RgbImage image, DecodeCompat compat)
    {
        var count = (long)image.Width * image.Height;
        if (count * 4 > Array.MaxLength)
        {
            throw new ImageDecodeException(DecodeErrorKind.TooLarge, $"CMYK image {image.Width}x{image.Height} is too large to decode");
        }

        var needed = (int)(count * 4);
        if (_cmykScratch is null || _cmykScratch.Length < needed)
        {
            _cmykScratch = null; // let the old one go before allocating the larger one
            _cmykScratch = GC.AllocateUninitializedArray<byte>(needed);
        }

        string? warning;
        fixed (byte* cmyk = _cmykScratch)
        {
            var rc = TurboJpeg.Decompress2(_handle, src, size, cmyk, image.Width, image.Width * 4, image.Height, TurboJpeg.PixelFormatCmyk, TurboJpeg.FlagLimitScans);
            warning = CheckResult(rc, new ReadOnlySpan<byte>(src, checked((int)size)));
        }

        if (compat == DecodeCompat.Pytx)
        {
            PixelConvert.InvertedCmykAsRgb(_cmykScratch.AsSpan(0, needed), image.WritablePixels);
        }
        else
        {
            PixelConvert.InvertedCmykToRgb(_cmykScratch.AsSpan(0, needed), image.WritablePixels);
        }

        return warning;
    }

    /// <summary>The header's and the decode's warnings, each once (a header warning is raised again by the decode,
    /// which re-reads the header). No allocation when there are none.</summary>
    private static IReadOnlyList<string> Warnings(string? header, string? decode)
    {
        if (header is null)
        {
            return decode is null ? [] : [decode];
        }

        return decode is null || decode == header ? [header] : [header, decode];
    }

    /// <summary>
    /// tjDecompress2 returns -1 for warnings too (after finishing the decode). Pillow refuses truncated data, so a
    /// premature end of the file is <see cref="DecodeErrorKind.Truncated"/>; other warnings (corrupt entropy-coded
    /// data, extraneous bytes) are decoded past as libjpeg does, and the warning's text is returned; fatal errors
    /// are <see cref="DecodeErrorKind.Corrupt"/>. libjpeg reports only the first warning's text, so a file cut short
    /// after an earlier warning is recognised by its missing end-of-image marker instead.
    /// </summary>
    /// <returns>The warning, or null when the decode was clean.</returns>
    private string? CheckResult(int rc, ReadOnlySpan<byte> data)
    {
        if (rc == 0)
        {
            return null;
        }

        var message = TurboJpeg.LastError(_handle);
        var fatal = TurboJpeg.GetErrorCode(_handle) != TurboJpeg.ErrorWarning;
        if (IsTruncation(message) || (!fatal && !TruncationProbe.JpegReachesEnd(data)))
        {
            throw new ImageDecodeException(DecodeErrorKind.Truncated, "truncated JPEG data (premature end of file)");
        }

        if (fatal)
        {
            throw new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt JPEG data: " + Describe(message));
        }

        return Describe(message);
    }

    private static ImageDecodeException HeaderError(string message, ReadOnlySpan<byte> data)
    {
        if (TruncationProbe.Explain(ImageFormat.Jpeg, data) is { } truncation)
        {
            return new ImageDecodeException(DecodeErrorKind.Truncated, $"truncated JPEG data ({truncation})");
        }

        return IsTruncation(message)
            ? new ImageDecodeException(DecodeErrorKind.Truncated, "truncated JPEG data (premature end of file in the header)")
            : new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt JPEG header: " + Describe(message));
    }

    /// <summary>libjpeg's end-of-file messages ("Premature end of JPEG file", "... of input file"); not its "Corrupt
    /// JPEG data: premature end of data segment", which is damage inside a scan of a file that goes on.</summary>
    private static bool IsTruncation(string message) =>
        message.Contains("Premature end of JPEG file", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("Premature end of input file", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("too little data", StringComparison.OrdinalIgnoreCase);

    private static string Describe(string message) => message.Length == 0 ? "unknown libjpeg-turbo error" : message;

    public void Dispose()
    {
        _disposed = true;
        ResetHandle();
        _cmykScratch = null;
    }
}
