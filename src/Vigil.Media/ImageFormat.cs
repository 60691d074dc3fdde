namespace Vigil.Media;

/// <summary>An encoded image format, as recognised from the file's leading magic bytes.</summary>
public enum ImageFormat
{
    /// <summary>Not a recognised image format.</summary>
    Unknown,

    /// <summary>JPEG / JFIF / Exif (decoded with libjpeg-turbo).</summary>
    Jpeg,

    /// <summary>PNG (decoded with libvips).</summary>
    Png,

    /// <summary>GIF; only the first frame is decoded (in managed code, exactly as Pillow does).</summary>
    Gif,

    /// <summary>WebP, lossy or lossless; only the first frame of an animation (libvips).</summary>
    WebP,

    /// <summary>Windows/OS2 bitmap (libvips through its ImageMagick loader).</summary>
    Bmp,

    /// <summary>TIFF, either byte order; only the first page (libvips).</summary>
    Tiff,

    /// <summary>HEIF/HEIC (HEVC-coded), when libvips' libheif loader can decode it here.</summary>
    Heif,

    /// <summary>AVIF (AV1-coded HEIF), when libvips' libheif loader can decode it here.</summary>
    Avif,
}
