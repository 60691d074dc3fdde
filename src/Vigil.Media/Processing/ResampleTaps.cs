namespace Vigil.Media.Processing;

/// <summary>
/// One axis of a resize: for each output position, the source positions it reads and their weights (summing to
/// 1). Shrinking averages the source area each output pixel covers (a box filter); growing interpolates linearly
/// between the two nearest source pixel centres (bilinear, edges clamped).
/// </summary>
internal sealed class ResampleTaps
{
    private ResampleTaps(int tapsPerOutput, int outputs)
    {
        TapsPerOutput = tapsPerOutput;
        Indices = new int[tapsPerOutput * outputs];
        Weights = new float[tapsPerOutput * outputs];
    }

    /// <summary>How many taps each output position has; unused ones have weight 0 and a valid index.</summary>
    internal int TapsPerOutput { get; }

    /// <summary>Source positions, <see cref="TapsPerOutput"/> per output position.</summary>
    internal int[] Indices { get; }

    /// <summary>The weights that go with <see cref="Indices"/>.</summary>
    internal float[] Weights { get; }

    internal static ResampleTaps For(int sourceLength, int targetLength) =>
        targetLength > sourceLength ? Bilinear(sourceLength, targetLength) : Box(sourceLength, targetLength);

    private static ResampleTaps Box(int source, int target)
    {
        // In units of 1/target of a source pixel, source pixel j spans [j * target, (j + 1) * target) and output
        // pixel i spans [i * source, (i + 1) * source): the overlaps are exact integers.
        var taps = new ResampleTaps(Math.Min(source, ((source + target - 1) / target) + 1), target);
        for (var i = 0; i < target; i++)
        {
            long start = (long)i * source;
            long end = start + source;
            var first = (int)(start / target);
            var last = (int)((end - 1) / target);
            var at = i * taps.TapsPerOutput;
            for (var k = 0; k < taps.TapsPerOutput; k++)
            {
                var j = Math.Min(first + k, last);
                taps.Indices[at + k] = j;
                if (first + k <= last)
                {
                    var overlap = Math.Min(end, (long)(j + 1) * target) - Math.Max(start, (long)j * target);
                    taps.Weights[at + k] = (float)((double)overlap / source);
                }
            }
        }

        return taps;
    }

    private static ResampleTaps Bilinear(int source, int target)
    {
        var taps = new ResampleTaps(2, target);
        var scale = (double)source / target;
        for (var i = 0; i < target; i++)
        {
            // Pixel centres are aligned: output centre i + 0.5 sits at source coordinate (i + 0.5) * scale.
            var position = Math.Clamp(((i + 0.5) * scale) - 0.5, 0, source - 1);
            var left = (int)position;
            var right = Math.Min(left + 1, source - 1);
            var fraction = (float)(position - left);
            taps.Indices[2 * i] = left;
            taps.Indices[(2 * i) + 1] = right;
            taps.Weights[2 * i] = 1 - fraction;
            taps.Weights[(2 * i) + 1] = fraction;
        }

        return taps;
    }
}
