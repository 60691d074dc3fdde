using System.Security.Cryptography;

namespace Vigil.Privacy.Sharing;

/// <summary>
/// The detectable hash function (the paper's section 4.3): s secret polynomials of degree at most
/// t - 1 over GF(2^64 - 59). A real voucher carries (z, p_1(z), .., p_s(z)) for its own z; a
/// synthetic one carries random values. Rows (1, z, .., z^(t-1), r_1, .., r_s) of real vouchers
/// span only t dimensions, so every linear dependency among the rows lies on real rows alone (as
/// long as there are at most s synthetic rows): <see cref="FindConsistent"/> finds them.
/// </summary>
public sealed class DetectableHash
{
    private readonly ulong[][] _polynomials; // [k][i] = coefficient of z^i in p_k

    private DetectableHash(ulong[][] polynomials) => _polynomials = polynomials;

    /// <summary>t: the polynomials have degree at most t - 1.</summary>
    public int Threshold => _polynomials[0].Length;

    /// <summary>s: the number of polynomials (values per voucher after z).</summary>
    public int Width => _polynomials.Length;

    /// <summary>How many values a voucher carries: z and the s polynomial values.</summary>
    public int ValueCount => 1 + _polynomials.Length;

    /// <summary>
    /// Width for a threshold: at least as many polynomials as synthetic vouchers an account may
    /// send before its matches are revealed, with a wide margin (4t, at least 32).
    /// </summary>
    public static int WidthFor(int threshold) => Math.Max(32, 4 * threshold);

    /// <summary>Fresh random polynomials.</summary>
    public static DetectableHash Create(int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var polynomials = new ulong[WidthFor(threshold)][];
        for (int k = 0; k < polynomials.Length; k++)
        {
            polynomials[k] = new ulong[threshold];
            for (int i = 0; i < threshold; i++)
                polynomials[k][i] = RandomElement();
        }
        return new DetectableHash(polynomials);
    }

    /// <summary>From stored coefficients ([k][i]); every row the same length, every value below the modulus.</summary>
    public static DetectableHash FromCoefficients(ulong[][] polynomials)
    {
        if (polynomials.Length == 0 || polynomials[0].Length == 0)
            throw new ArgumentException("no polynomials", nameof(polynomials));
        foreach (var row in polynomials)
        {
            if (row.Length != polynomials[0].Length || Array.Exists(row, v => v >= Field64.Modulus))
                throw new ArgumentException("detectable hash coefficients are malformed", nameof(polynomials));
        }
        return new DetectableHash(polynomials);
    }

    /// <summary>The coefficients, [k][i].</summary>
    public IReadOnlyList<ulong[]> Coefficients => _polynomials;

    /// <summary>(z, p_1(z), .., p_s(z)) into <paramref name="values"/>.</summary>
    public void Evaluate(ulong z, Span<ulong> values)
    {
        z = Field64.Reduce(z);
        values[0] = z;
        for (int k = 0; k < _polynomials.Length; k++)
        {
            var p = _polynomials[k];
            ulong y = p[^1];
            for (int i = p.Length - 2; i >= 0; i--)
                y = Field64.Add(Field64.Multiply(y, z), p[i]);
            values[k + 1] = y;
        }
    }

    /// <summary>Random values of the same shape, for a synthetic voucher.</summary>
    public static void Random(Span<ulong> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = RandomElement();
    }

    /// <summary>
    /// Which rows are consistent (real): the union of the supports of the left kernel of the matrix
    /// with rows (1, z, .., z^(t-1), r_1..r_s), by Gaussian elimination over GF(2^64 - 59).
    /// Only meaningful with more than t rows (fewer rows have no dependency at all).
    /// </summary>
    /// <param name="rows">Each row's DHF values (z then s values), all the same length.</param>
    /// <param name="threshold">t.</param>
    public static bool[] FindConsistent(IReadOnlyList<ulong[]> rows, int threshold)
    {
        int n = rows.Count;
        var real = new bool[n];
        if (n == 0)
            return real;
        int s = rows[0].Length - 1;
        int columns = threshold + s;
        // The transposed matrix: 'columns' equations in n unknowns (one per row of M).
        var a = new ulong[columns][];
        for (int c = 0; c < columns; c++)
            a[c] = new ulong[n];
        for (int r = 0; r < n; r++)
        {
            if (rows[r].Length != s + 1)
                throw new ArgumentException("rows differ in length", nameof(rows));
            ulong z = Field64.Reduce(rows[r][0]), power = 1;
            for (int i = 0; i < threshold; i++)
            {
                a[i][r] = power;
                power = Field64.Multiply(power, z);
            }
            for (int k = 0; k < s; k++)
                a[threshold + k][r] = Field64.Reduce(rows[r][k + 1]);
        }

        // Reduced row echelon form.
        var pivotOfRow = new List<int>();
        int rank = 0;
        for (int col = 0; col < n && rank < columns; col++)
        {
            int pivot = -1;
            for (int r = rank; r < columns; r++)
            {
                if (a[r][col] != 0)
                {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0)
                continue;
            (a[rank], a[pivot]) = (a[pivot], a[rank]);
            ulong inverse = Field64.Invert(a[rank][col]);
            for (int c = col; c < n; c++)
                a[rank][c] = Field64.Multiply(a[rank][c], inverse);
            for (int r = 0; r < columns; r++)
            {
                if (r == rank || a[r][col] == 0)
                    continue;
                ulong factor = a[r][col];
                for (int c = col; c < n; c++)
                    a[r][c] = Field64.Subtract(a[r][c], Field64.Multiply(factor, a[rank][c]));
            }
            pivotOfRow.Add(col);
            rank++;
        }

        // Each free unknown gives a kernel vector: itself, and the pivots whose row depends on it.
        var isPivot = new bool[n];
        foreach (int col in pivotOfRow)
            isPivot[col] = true;
        for (int free = 0; free < n; free++)
        {
            if (isPivot[free])
                continue;
            real[free] = true;
            for (int r = 0; r < pivotOfRow.Count; r++)
            {
                if (a[r][free] != 0)
                    real[pivotOfRow[r]] = true;
            }
        }
        return real;
    }

    private static ulong RandomElement()
    {
        Span<byte> bytes = stackalloc byte[8];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            ulong value = BitConverter.ToUInt64(bytes);
            if (value < Field64.Modulus)
                return value;
        }
    }
}
