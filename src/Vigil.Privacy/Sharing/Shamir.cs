namespace Vigil.Privacy.Sharing;

/// <summary>One share of a secret: the polynomial's value <paramref name="Y"/> at <paramref name="X"/> (never 0).</summary>
/// <param name="X">The x-coordinate (derived from the photo by a PRF, so copies of one photo give one share).</param>
/// <param name="Y">The polynomial's value there.</param>
public readonly record struct Share(Field127 X, Field127 Y);

/// <summary>
/// Shamir secret sharing over GF(2^127 - 1): a random polynomial of degree t whose constant term is
/// the secret. Any t + 1 shares at distinct points rebuild the secret; t or fewer say nothing about
/// it. The device keeps the polynomial for the account; each real voucher carries one share.
/// </summary>
public sealed class ShamirPolynomial
{
    private readonly Field127[] _coefficients;

    private ShamirPolynomial(Field127[] coefficients) => _coefficients = coefficients;

    /// <summary>The degree t: t + 1 shares are needed.</summary>
    public int Threshold => _coefficients.Length - 1;

    /// <summary>The secret (the constant term).</summary>
    public Field127 Secret => _coefficients[0];

    /// <summary>A fresh polynomial of degree <paramref name="threshold"/> for <paramref name="secret"/>, other coefficients from the CSPRNG.</summary>
    public static ShamirPolynomial Create(Field127 secret, int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 100_000);
        var coefficients = new Field127[threshold + 1];
        coefficients[0] = secret;
        for (int i = 1; i <= threshold; i++)
            coefficients[i] = Field127.Random();
        return new ShamirPolynomial(coefficients);
    }

    /// <summary>The polynomial from its coefficients (constant term first), as stored in an account key file.</summary>
    public static ShamirPolynomial FromCoefficients(ReadOnlySpan<Field127> coefficients)
    {
        if (coefficients.Length < 2)
            throw new ArgumentException("a sharing polynomial has degree at least 1", nameof(coefficients));
        return new ShamirPolynomial(coefficients.ToArray());
    }

    /// <summary>The coefficients, constant term first.</summary>
    public ReadOnlySpan<Field127> Coefficients => _coefficients;

    /// <summary>The share at <paramref name="x"/> (Horner's rule); x must not be 0, which would be the secret.</summary>
    public Share ShareAt(Field127 x)
    {
        if (x.IsZero)
            throw new ArgumentException("a share at x = 0 would be the secret itself", nameof(x));
        var y = _coefficients[^1];
        for (int i = _coefficients.Length - 2; i >= 0; i--)
            y = y * x + _coefficients[i];
        return new Share(x, y);
    }

    /// <summary>
    /// The polynomial's value at 0 from shares at distinct non-zero points (Lagrange interpolation):
    /// the secret when there are more than t correct shares, an unrelated value otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">No shares, a share at 0, or two shares at one point.</exception>
    public static Field127 Reconstruct(ReadOnlySpan<Share> shares)
    {
        if (shares.IsEmpty)
            throw new ArgumentException("no shares", nameof(shares));
        var secret = Field127.Zero;
        for (int i = 0; i < shares.Length; i++)
        {
            if (shares[i].X.IsZero)
                throw new ArgumentException("a share at x = 0", nameof(shares));
            var numerator = Field127.One;
            var denominator = Field127.One;
            for (int j = 0; j < shares.Length; j++)
            {
                if (i == j)
                    continue;
                if (shares[j].X == shares[i].X)
                    throw new ArgumentException("two shares at the same point", nameof(shares));
                numerator *= shares[j].X;
                denominator *= shares[j].X - shares[i].X;
            }
            secret += shares[i].Y * numerator * denominator.Invert();
        }
        return secret;
    }
}
