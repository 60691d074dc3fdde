namespace Vigil.Privacy.Psi;

/// <summary>
/// How often a device sends a synthetic voucher instead of a real one, and how many the server
/// accepts before it flags an account.
/// </summary>
/// <remarks>
/// The design asks that an account with no matches send, in expectation, about t synthetic vouchers
/// over a period; we take the period as 10,000 photos, so the rate is t / 10,000 per photo (0.3% at
/// t = 30). Below the threshold that many synthetic vouchers hide how many of an account's opened
/// vouchers are real. The rate also has a ceiling: the detectable hash separates real shares from at
/// most s = <see cref="Sharing.DetectableHash.WidthFor"/>(t) synthetic ones (4t), which an account
/// reaches after about 40,000 photos; past that, an account that crosses the threshold cannot be
/// opened and is flagged (the processor's Problem), which a deployment must handle by rotating the
/// account's keys. A device that sends far more synthetic vouchers than this rate is not following
/// the protocol (it would be drowning its real matches): <see cref="Allowed"/> is the bound past
/// which the server flags it.
/// </remarks>
public static class SyntheticRate
{
    /// <summary>The protocol's rate for threshold t: t / 10,000 per photo.</summary>
    public static double For(int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        return Math.Min(1.0, threshold / 10_000.0);
    }

    /// <summary>
    /// The most synthetic vouchers an honest device sends among <paramref name="vouchers"/> at the
    /// protocol's rate, with room for chance: the mean plus six standard deviations plus 3 (an honest
    /// device exceeds it with probability under one in a million).
    /// </summary>
    public static int Allowed(int threshold, int vouchers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vouchers);
        double rate = For(threshold);
        double mean = vouchers * rate;
        return (int)Math.Ceiling(mean + 6 * Math.Sqrt(mean * (1 - rate)) + 3);
    }
}
