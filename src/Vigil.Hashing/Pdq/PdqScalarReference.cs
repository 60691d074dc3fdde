namespace Vigil.Hashing.Pdq;

/// <summary>
/// The reference PDQ downsampling written as plainly as the C++ original: two full-size buffers,
/// four 1-D box passes, then decimation. It is the fallback on CPUs without AVX2 and the yardstick
/// the vectorised pipeline is tested against.
/// </summary>
internal static class PdqScalarReference
{
    /// <summary>Filters <paramref name="luma"/> (rows x cols, modified in place) and decimates to 64x64.</summary>
    public static void Downsample(Span<float> luma, int rows, int cols, Span<float> out64)
    {
        var scratch = new float[luma.Length];
        int windowAlongRows = PdqFinisher.WindowSize(cols);
        int windowAlongCols = PdqFinisher.WindowSize(rows);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int r = 0; r < rows; r++)
                Box1D(luma, scratch, r * cols, cols, 1, windowAlongRows);
            for (int c = 0; c < cols; c++)
                Box1D(scratch, luma, c, rows, cols, windowAlongCols);
        }
        Decimate(luma, rows, cols, out64);
    }

    public static void Decimate(ReadOnlySpan<float> input, int rows, int cols, Span<float> out64)
    {
        for (int i = 0; i < 64; i++)
        {
            int r = PdqFinisher.DecimationIndex(i, rows);
            for (int j = 0; j < 64; j++)
                out64[i * 64 + j] = input[r * cols + PdqFinisher.DecimationIndex(j, cols)];
        }
    }

    /// <summary>The reference's running-sum box filter: window grows at the start and shrinks at the end.</summary>
    internal static void Box1D(ReadOnlySpan<float> input, Span<float> output, int start, int length, int stride, int window)
    {
        int half = (window + 2) / 2;
        int ri = start, li = start, oi = start;
        float sum = 0f;
        int current = 0;
        for (int i = 0; i < half - 1; i++, ri += stride)
        {
            sum += input[ri];
            current++;
        }
        for (int i = 0; i < window - half + 1; i++, ri += stride, oi += stride)
        {
            sum += input[ri];
            current++;
            output[oi] = sum / current;
        }
        for (int i = 0; i < length - window; i++, ri += stride, li += stride, oi += stride)
        {
            sum += input[ri];
            sum -= input[li];
            output[oi] = sum / current;
        }
        for (int i = 0; i < half - 1; i++, li += stride, oi += stride)
        {
            sum -= input[li];
            current--;
            output[oi] = sum / current;
        }
    }
}
