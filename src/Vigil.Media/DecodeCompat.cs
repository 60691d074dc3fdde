namespace Vigil.Media;

/// <summary>Whose pixels <see cref="ImageDecoder"/> reproduces where hashing pipelines disagree.</summary>
public enum DecodeCompat
{
    /// <summary>
    /// The reference pipeline (the default): every image converted to 8-bit sRGB RGB as Pillow's
    /// <c>convert("RGB")</c> does, so PDQ hashes equal the reference's for every mode.
    /// </summary>
    Reference,

    /// <summary>
    /// python-threatexchange (what Meta's HMA hashes with), which hands Pillow's pixel array to PDQ without
    /// <c>convert("RGB")</c>. Where that matters the decoded "RGB" is the raw array instead: a palette image's
    /// indices as grey (palette PNG, GIF); a CMYK image's C, M and Y values as R, G and B, K ignored (CMYK JPEG
    /// after Pillow's Adobe inversion, CMYK TIFF); a 1-bit image as 0 and 1 rather than 0 and 255; a 16-bit
    /// greyscale image at its full 0..65535 value (<see cref="RgbImage.WideGrey"/>). Every other mode decodes as
    /// <see cref="Reference"/>. EXIF orientation cannot be applied in this mode (python-threatexchange never does).
    /// </summary>
    Pytx,
}
