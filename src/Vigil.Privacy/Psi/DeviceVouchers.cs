namespace Vigil.Privacy.Psi;

/// <summary>What the device made for one photo (known to the device only: the server sees one kind of voucher).</summary>
public enum VoucherKind
{
    /// <summary>A real voucher: it opens if the photo's hash is on the list.</summary>
    Real,

    /// <summary>A synthetic voucher (chosen at the protocol's rate, whatever the photo): it always opens, with junk.</summary>
    Synthetic,

    /// <summary>An unmatchable voucher: the photo's PDQ quality is too low to trust, so it can never open or decrypt.</summary>
    Unmatchable,
}

/// <summary>
/// The device's choice of voucher per photo. First the synthetic coin, at the protocol's rate for every photo
/// alike (so the share of synthetic vouchers says nothing about the photos); then, for a photo whose PDQ quality
/// is below <see cref="MinimumQuality"/>, an unmatchable voucher instead of a real one: private matching refuses
/// such photos as <c>vigil match</c> does, and the server cannot tell (<see cref="Voucher.CreateUnmatchable"/>
/// has the size, format and byte distribution of the others).
/// </summary>
public static class DeviceVouchers
{
    /// <summary>The PDQ quality under which a hash is not trusted for matching (the exchanges' 50, as <c>vigil match</c>).</summary>
    public const int MinimumQuality = 50;

    /// <summary>Makes the voucher for one photo.</summary>
    /// <param name="table">The published table.</param>
    /// <param name="keys">The account's keys.</param>
    /// <param name="payload">The photo's hash, visual derivative and name.</param>
    /// <param name="quality">The photo's PDQ quality, 0..100.</param>
    /// <param name="synthetic">The synthetic coin, drawn by the caller at the protocol's rate (<see cref="SyntheticRate.For"/>).</param>
    /// <param name="kind">What was made (for the device's own log; never sent).</param>
    public static Voucher Make(PublicTable table, AccountKeys keys, VoucherPayload payload, int quality, bool synthetic, out VoucherKind kind)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (synthetic)
        {
            kind = VoucherKind.Synthetic;
            return Voucher.CreateSynthetic(table, keys);
        }
        if (quality < MinimumQuality)
        {
            kind = VoucherKind.Unmatchable;
            return Voucher.CreateUnmatchable(table, keys);
        }
        kind = VoucherKind.Real;
        return Voucher.CreateReal(table, keys, payload);
    }
}
