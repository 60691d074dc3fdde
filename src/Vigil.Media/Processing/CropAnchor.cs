namespace Vigil.Media.Processing;

/// <summary>Which part of the picture <see cref="ImageEdits.CropFraction"/> keeps.</summary>
public enum CropAnchor
{
    /// <summary>The middle: the removed rows and columns are shared between opposite edges.</summary>
    Centre,

    /// <summary>The top-left corner: everything removed comes off the right and bottom edges.</summary>
    TopLeft,
}
