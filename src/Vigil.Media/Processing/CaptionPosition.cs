namespace Vigil.Media.Processing;

/// <summary>Where <see cref="ImageEdits.DrawCaption"/> burns its caption in.</summary>
public enum CaptionPosition
{
    /// <summary>Across the top of the picture.</summary>
    Top,

    /// <summary>Across the bottom of the picture.</summary>
    Bottom,
}
