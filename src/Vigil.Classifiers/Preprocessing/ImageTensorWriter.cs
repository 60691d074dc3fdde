using Vigil.Media;
using Vigil.Media.Processing;

namespace Vigil.Classifiers.Preprocessing;

/// <summary>Resizes decoded images to a model's input and writes them into its batch tensor (from the pixels already decoded: no second decode).</summary>
public static class ImageTensorWriter
{
    /// <summary>Writes <paramref name="image"/> as image <paramref name="index"/> of the batch in <paramref name="tensor"/>.</summary>
    public static void Write(RgbImage image, ImageTensorLayout layout, Span<float> tensor, int index)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(layout);
        var slot = tensor.Slice(index * layout.ImageLength, layout.ImageLength);
        if (image.Width == layout.Width && image.Height == layout.Height)
        {
            layout.Write(image.Pixels, slot);
            return;
        }
        using var resized = ImageEdits.Resize(image, layout.Width, layout.Height);
        layout.Write(resized.Pixels, slot);
    }
}
