using Vigil.Classifiers.Manifests;

namespace Vigil.Classifiers.Preprocessing;

/// <summary>
/// How one image becomes a model's input: its size, the order of the dimensions and channels, and the per-channel
/// affine normalisation <c>(value * scale - mean) / std</c>, folded into one multiply and one add per channel.
/// </summary>
public sealed class ImageTensorLayout
{
    private readonly float[] _multiply = new float[3];
    private readonly float[] _add = new float[3];

    /// <summary>The layout a manifest's <see cref="OnnxModelSpec"/> describes.</summary>
    public ImageTensorLayout(OnnxModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Width = spec.Width;
        Height = spec.Height;
        ChannelsLast = spec.Layout == "nhwc";
        Bgr = spec.Channels == "bgr";
        for (int c = 0; c < 3; c++)
        {
            _multiply[c] = (float)(spec.Scale / spec.Std[c]);
            _add[c] = (float)(-spec.Mean[c] / spec.Std[c]);
        }
    }

    /// <summary>The width images are resized to.</summary>
    public int Width { get; }

    /// <summary>The height images are resized to.</summary>
    public int Height { get; }

    /// <summary>NHWC (channels last) rather than NCHW.</summary>
    public bool ChannelsLast { get; }

    /// <summary>Channels in blue, green, red order.</summary>
    public bool Bgr { get; }

    /// <summary>Floats per image.</summary>
    public int ImageLength => 3 * Width * Height;

    /// <summary>The tensor's shape for <paramref name="batch"/> images.</summary>
    public long[] Shape(int batch) => ChannelsLast ? [batch, Height, Width, 3] : [batch, 3, Height, Width];

    /// <summary>
    /// Writes <paramref name="rgb"/> (exactly <see cref="Width"/> x <see cref="Height"/>, RGB bytes) as one image's
    /// floats into <paramref name="destination"/> (<see cref="ImageLength"/> long).
    /// </summary>
    public void Write(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        int pixels = Width * Height;
        if (rgb.Length != 3 * pixels)
            throw new ArgumentException($"expected {Width}x{Height} RGB pixels ({3 * pixels} bytes), got {rgb.Length} bytes", nameof(rgb));
        if (destination.Length < 3 * pixels)
            throw new ArgumentException($"the destination holds {destination.Length} floats, not {3 * pixels}", nameof(destination));
        // Output channel k takes source channel order[k]: RGB keeps 0,1,2, BGR reads 2,1,0. Mean and std are given in the output's order.
        int first = Bgr ? 2 : 0, last = Bgr ? 0 : 2;
        float m0 = _multiply[0], m1 = _multiply[1], m2 = _multiply[2];
        float a0 = _add[0], a1 = _add[1], a2 = _add[2];
        if (ChannelsLast)
        {
            for (int p = 0, s = 0; p < pixels; p++, s += 3)
            {
                destination[s] = (rgb[s + first] * m0) + a0;
                destination[s + 1] = (rgb[s + 1] * m1) + a1;
                destination[s + 2] = (rgb[s + last] * m2) + a2;
            }
        }
        else
        {
            var plane0 = destination[..pixels];
            var plane1 = destination.Slice(pixels, pixels);
            var plane2 = destination.Slice(2 * pixels, pixels);
            for (int p = 0, s = 0; p < pixels; p++, s += 3)
            {
                plane0[p] = (rgb[s + first] * m0) + a0;
                plane1[p] = (rgb[s + 1] * m1) + a1;
                plane2[p] = (rgb[s + last] * m2) + a2;
            }
        }
    }
}
