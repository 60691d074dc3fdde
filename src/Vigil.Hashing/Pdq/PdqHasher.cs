using System.Diagnostics;
using System.Runtime.Intrinsics.X86;

namespace Vigil.Hashing.Pdq;

/// <summary>Cumulative time a <see cref="PdqHasher"/> spent in each stage.</summary>
/// <param name="Luma">RGB to luma (and, on the vector path, moving rows into strips).</param>
/// <param name="Filter">Jarosz box filters and decimation to 64x64.</param>
/// <param name="Dct">Quality, DCT and thresholding (all variants asked for).</param>
public readonly record struct PdqStageTimings(TimeSpan Luma, TimeSpan Filter, TimeSpan Dct);

/// <summary>
/// Computes PDQ hashes bit-for-bit as the reference does, from RGB24 pixels or a float luma buffer.
/// An instance keeps scratch buffers between calls: it is not thread-safe, so use one per thread.
/// </summary>
public sealed class PdqHasher
{
    /// <summary>Images smaller than this on either side hash to all zeros with quality 0.</summary>
    public const int MinimumDimension = 5;

    private readonly PdqDownsampler? _downsampler;
    private readonly float[] _buffer64 = new float[64 * 64];
    private readonly float[] _dct = new float[16 * 16];
    private long _dctTicks;
    private long _scalarLumaTicks, _scalarFilterTicks;

    /// <summary>Creates a hasher using the vectorised pipeline where the CPU has AVX2.</summary>
    public PdqHasher() : this(useVectorPipeline: Avx2.IsSupported)
    {
    }

    internal PdqHasher(bool useVectorPipeline)
    {
        if (useVectorPipeline && !Avx2.IsSupported)
            throw new PlatformNotSupportedException("the vectorised PDQ pipeline needs AVX2");
        _downsampler = useVectorPipeline ? new PdqDownsampler() : null;
    }

    /// <summary>True when this instance runs the AVX2 pipeline rather than the scalar reference.</summary>
    public bool IsVectorized => _downsampler is not null;

    /// <summary>Time spent per stage since construction or <see cref="ResetTimings"/>.</summary>
    public PdqStageTimings Timings => new(
        Stopwatch.GetElapsedTime(0, (_downsampler?.LumaTicks ?? 0) + _scalarLumaTicks),
        Stopwatch.GetElapsedTime(0, (_downsampler?.FilterTicks ?? 0) + _scalarFilterTicks),
        Stopwatch.GetElapsedTime(0, _dctTicks));

    /// <summary>Zeroes <see cref="Timings"/>.</summary>
    public void ResetTimings()
    {
        _dctTicks = _scalarLumaTicks = _scalarFilterTicks = 0;
        if (_downsampler is not null)
            _downsampler.LumaTicks = _downsampler.FilterTicks = 0;
    }

    /// <summary>PDQ hash of an 8-bit RGB image (3 bytes per pixel, rows contiguous).</summary>
    public unsafe PdqResult HashRgb(ReadOnlySpan<byte> rgb, int width, int height)
    {
        CheckRgb(rgb, width, height);
        fixed (byte* p = rgb)
            return Hash(new Rgb24Rows(p, height, width));
    }

    /// <summary>All eight dihedral PDQ hashes of an 8-bit RGB image, from one pass.</summary>
    public unsafe PdqDihedralHashes HashRgbDihedral(ReadOnlySpan<byte> rgb, int width, int height)
    {
        CheckRgb(rgb, width, height);
        fixed (byte* p = rgb)
            return HashDihedral(new Rgb24Rows(p, height, width));
    }

    /// <summary>
    /// PDQ hash of 16-bit grey samples (width x height, row-major) taken at their full value, each used as R = G = B
    /// (<see cref="Luma.FromGrey16"/>): how python-threatexchange hashes 16-bit greyscale images, which the reference
    /// pipeline clips to 8 bits first. No scratch buffer: luma is computed as the rows are read.
    /// </summary>
    public unsafe PdqResult HashGrey16(ReadOnlySpan<ushort> grey, int width, int height)
    {
        CheckGrey16(grey, width, height);
        fixed (ushort* p = grey)
            return Hash(new Grey16Rows(p, height, width));
    }

    /// <summary>All eight dihedral PDQ hashes of 16-bit grey samples taken at their full value (see <see cref="HashGrey16"/>).</summary>
    public unsafe PdqDihedralHashes HashGrey16Dihedral(ReadOnlySpan<ushort> grey, int width, int height)
    {
        CheckGrey16(grey, width, height);
        fixed (ushort* p = grey)
            return HashDihedral(new Grey16Rows(p, height, width));
    }

    /// <summary>PDQ hash of a float luma buffer (rows x cols, row-major), the reference core's input.</summary>
    public unsafe PdqResult HashLuma(ReadOnlySpan<float> luma, int rows, int cols)
    {
        CheckLuma(luma, rows, cols);
        fixed (float* p = luma)
            return Hash(new FloatLumaRows(p, rows, cols));
    }

    /// <summary>All eight dihedral PDQ hashes of a float luma buffer, from one pass.</summary>
    public unsafe PdqDihedralHashes HashLumaDihedral(ReadOnlySpan<float> luma, int rows, int cols)
    {
        CheckLuma(luma, rows, cols);
        fixed (float* p = luma)
            return HashDihedral(new FloatLumaRows(p, rows, cols));
    }

    private PdqResult Hash<TRows>(TRows source) where TRows : struct, ILumaRows
    {
        if (source.Rows < MinimumDimension || source.Cols < MinimumDimension)
            return new PdqResult(PdqHash.Zero, 0);
        // The reference skips the filter when the input already is 64x64 (its dihedral path does not).
        if (source.Rows == 64 && source.Cols == 64)
            CopyUnfiltered(source);
        else
            Downsample(source);
        long start = Stopwatch.GetTimestamp();
        int quality = PdqFinisher.Quality(_buffer64);
        PdqFinisher.Dct(_buffer64, _dct);
        var hash = PdqFinisher.Threshold(_dct);
        _dctTicks += Stopwatch.GetTimestamp() - start;
        return new PdqResult(hash, quality);
    }

    private PdqDihedralHashes HashDihedral<TRows>(TRows source) where TRows : struct, ILumaRows
    {
        var result = new PdqDihedralHashes();
        if (source.Rows < MinimumDimension || source.Cols < MinimumDimension)
            return result;
        Downsample(source);
        long start = Stopwatch.GetTimestamp();
        result.Quality = PdqFinisher.Quality(_buffer64);
        PdqFinisher.Dct(_buffer64, _dct);
        PdqFinisher.ThresholdDihedral(_dct, ref result);
        _dctTicks += Stopwatch.GetTimestamp() - start;
        return result;
    }

    private void Downsample<TRows>(TRows source) where TRows : struct, ILumaRows
    {
        if (_downsampler is not null)
        {
            _downsampler.Downsample(source, _buffer64);
            return;
        }
        long start = Stopwatch.GetTimestamp();
        var luma = new float[(long)source.Rows * source.Cols];
        for (int r = 0; r < source.Rows; r++)
            for (int c = 0; c < source.Cols; c++)
                luma[(long)r * source.Cols + c] = source.At(r, c);
        long lumaDone = Stopwatch.GetTimestamp();
        PdqScalarReference.Downsample(luma, source.Rows, source.Cols, _buffer64);
        _scalarLumaTicks += lumaDone - start;
        _scalarFilterTicks += Stopwatch.GetTimestamp() - lumaDone;
    }

    private void CopyUnfiltered<TRows>(TRows source) where TRows : struct, ILumaRows
    {
        for (int r = 0; r < 64; r++)
            for (int c = 0; c < 64; c++)
                _buffer64[r * 64 + c] = source.At(r, c);
    }

    private static void CheckRgb(ReadOnlySpan<byte> rgb, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (rgb.Length < (long)width * height * 3)
            throw new ArgumentException($"{width}x{height} RGB needs {(long)width * height * 3} bytes, got {rgb.Length}", nameof(rgb));
    }

    private static void CheckGrey16(ReadOnlySpan<ushort> grey, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (grey.Length < (long)width * height)
            throw new ArgumentException($"{width}x{height} grey needs {(long)width * height} samples, got {grey.Length}", nameof(grey));
    }

    private static void CheckLuma(ReadOnlySpan<float> luma, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (luma.Length < (long)rows * cols)
            throw new ArgumentException($"{rows}x{cols} luma needs {(long)rows * cols} floats, got {luma.Length}", nameof(luma));
    }
}
