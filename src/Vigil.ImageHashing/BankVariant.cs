using Vigil.Media;
using Vigil.Media.Processing;

namespace Vigil.ImageHashing;

/// <summary>
/// One extra picture made from a bank's own media and hashed beside it (a crop, a small rotation), so that a copy
/// edited that way matches the content: its name (the signal's marker in exports) and how it is made.
/// </summary>
/// <param name="Name">The variant's name, e.g. <c>crop-centre-8</c> or <c>rotate-5</c>.</param>
/// <param name="Make">Makes the variant from the original (the caller disposes it).</param>
public sealed record BankVariant(string Name, Func<RgbImage, RgbImage> Make)
{
    /// <summary>A centre crop removing <paramref name="percent"/>% of each side: <c>crop-centre-P</c>.</summary>
    public static BankVariant CentreCrop(int percent) =>
        new($"crop-centre-{percent}", image => ImageEdits.CropFraction(image, percent / 100.0, CropAnchor.Centre));

    /// <summary>
    /// A crop keeping one corner (<paramref name="corner"/>: <c>topleft</c>, <c>topright</c>, <c>bottomleft</c> or
    /// <c>bottomright</c>) and removing <paramref name="percent"/>% of each side: <c>crop-CORNER-P</c>.
    /// </summary>
    public static BankVariant Corner(int percent, string corner)
    {
        bool right = corner is "topright" or "bottomright", bottom = corner is "bottomleft" or "bottomright";
        if (corner is not ("topleft" or "topright" or "bottomleft" or "bottomright"))
            throw new ArgumentException($"unknown corner '{corner}' (topleft, topright, bottomleft, bottomright)", nameof(corner));
        return new($"crop-{corner}-{percent}", image =>
        {
            int cut = (int)Math.Round(image.Width * percent / 100.0), cutRows = (int)Math.Round(image.Height * percent / 100.0);
            return ImageEdits.Crop(image, right ? cut : 0, bottom ? cutRows : 0, image.Width - cut, image.Height - cutRows);
        });
    }

    /// <summary>
    /// The variant a name stands for (as <see cref="Name"/> spells it): <c>crop-centre-P</c>, <c>crop-CORNER-P</c>,
    /// <c>rotate+D</c>, <c>rotate-D</c>, <c>masked-top</c>, <c>masked-bottom</c>; null for anything else.
    /// </summary>
    public static BankVariant? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == InnerPictureHasher.MaskedTop || name == InnerPictureHasher.MaskedBottom)
            return MaskedBand(name == InnerPictureHasher.MaskedTop);
        if (name.StartsWith("rotate", StringComparison.Ordinal) && double.TryParse(name.AsSpan(6), System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out double degrees) && name.Length > 7 && name[6] is '+' or '-' && Math.Abs(degrees) is > 0 and < 45)
            return Rotation(degrees);
        var parts = name.Split('-');
        if (parts.Length == 3 && parts[0] == "crop" && int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int percent)
            && percent is > 0 and < 50)
        {
            if (parts[1] == "centre")
                return CentreCrop(percent);
            if (parts[1] is "topleft" or "topright" or "bottomleft" or "bottomright")
                return Corner(percent, parts[1]);
        }
        return null;
    }

    /// <summary>A rotation by <paramref name="degrees"/> (clockwise when positive), corners filled black, same size: <c>rotate-D</c> or <c>rotate+D</c>.</summary>
    public static BankVariant Rotation(double degrees) =>
        new($"rotate{(degrees < 0 ? "-" : "+")}{Math.Abs(degrees):0.#}", image => ImageEdits.Rotate(image, degrees, Rgb.Black));

    /// <summary>The image with its top (or bottom) caption band greyed out (<see cref="CaptionBand"/>): <c>masked-top</c> or <c>masked-bottom</c>.</summary>
    public static BankVariant MaskedBand(bool top) =>
        new(top ? InnerPictureHasher.MaskedTop : InnerPictureHasher.MaskedBottom, image => CaptionBand.Mask(image, top));

}
