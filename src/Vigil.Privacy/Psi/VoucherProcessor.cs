using Vigil.Privacy.Crypto;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Psi;

/// <summary>One revealed match: the voucher and its decrypted payload.</summary>
/// <param name="VoucherId">The voucher's id in hex.</param>
/// <param name="Payload">The photo's hash, visual derivative and name.</param>
public sealed record RevealedMatch(string VoucherId, VoucherPayload Payload);

/// <summary>What processing one account's vouchers gave.</summary>
/// <param name="Revealed">Whether the account passed the threshold (and the matches are shown).</param>
/// <param name="Vouchers">Vouchers processed.</param>
/// <param name="Matches">The revealed matches (empty below the threshold).</param>
/// <param name="Synthetic">Vouchers that opened but were synthetic (known only once revealed; 0 below it).</param>
/// <param name="Rejected">Vouchers refused as malformed or inconsistent (both pairs opening, a broken inner layer).</param>
/// <param name="Problem">Why an account past the threshold could not be opened (it should be flagged), or null.</param>
public sealed record ProcessingResult(bool Revealed, int Vouchers, IReadOnlyList<RevealedMatch> Matches, int Synthetic, int Rejected, string? Problem = null);

/// <summary>
/// The server's side, per account: open each voucher's outer layer with the server key, keep the
/// shares of those that open (one per photo: copies share an x-coordinate), and reveal nothing while
/// there are at most t. Past t, the detectable hash function separates real shares from synthetic
/// ones, more than t real shares rebuild the payload key, and only the real (matched) vouchers'
/// payloads are decrypted. Non-matching vouchers open nothing at any point.
/// </summary>
public static class VoucherProcessor
{
    /// <summary>Processes one account's vouchers, all made for <paramref name="listVersion"/> and threshold <paramref name="threshold"/>.</summary>
    /// <exception cref="InvalidDataException">A voucher was made against another list version (the device and the server disagree about the list).</exception>
    public static ProcessingResult Process(IServerKey key, ulong listVersion, int threshold, IReadOnlyList<Voucher> vouchers)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vouchers);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var opened = new List<(Voucher Voucher, Voucher.InnerLayer Inner)>();
        var seenX = new HashSet<Field127>();
        int rejected = 0;
        Span<byte> rkey = stackalloc byte[OuterLayer.InnerKeySize];
        Span<byte> candidate = stackalloc byte[OuterLayer.InnerKeySize];
        foreach (var voucher in vouchers)
        {
            if (voucher.ListVersion != listVersion)
                throw new InvalidDataException($"voucher {voucher.IdHex} was made against list version {voucher.ListVersion}, but this server's list is version {listVersion}: the device holds another table");
            int opens = 0;
            foreach (var pair in voucher.Pairs)
            {
                if (OuterLayer.TryOpen(key, pair, candidate))
                {
                    opens++;
                    candidate.CopyTo(rkey);
                }
            }
            if (opens == 0)
                continue;
            var inner = opens == 1 ? voucher.OpenInner(rkey, threshold) : null;
            if (inner is null)
            {
                rejected++;
                continue;
            }
            // Copies of one photo carry one share: they count once.
            if (seenX.Add(inner.Share.X))
                opened.Add((voucher, inner));
        }
        if (opened.Count <= threshold)
            return new ProcessingResult(false, vouchers.Count, [], 0, rejected);

        var rows = new List<ulong[]>(opened.Count);
        foreach (var (_, inner) in opened)
            rows.Add(inner.Dhf);
        var real = DetectableHash.FindConsistent(rows, threshold);
        var shares = new List<Share>();
        for (int i = 0; i < opened.Count; i++)
        {
            if (real[i])
                shares.Add(opened[i].Inner.Share);
        }
        if (shares.Count <= threshold)
            return new ProcessingResult(false, vouchers.Count, [], 0, rejected);

        var payloadKey = AccountKeys.PayloadKeyFor(ShamirPolynomial.Reconstruct(shares.ToArray()));
        var matches = new List<RevealedMatch>();
        var plain = new byte[VoucherPayload.Size];
        for (int i = 0; i < opened.Count; i++)
        {
            if (!real[i])
                continue;
            var (voucher, inner) = opened[i];
            if (!Aead.TryOpen(payloadKey, inner.PayloadCiphertext, voucher.Id, plain))
            {
                rejected++;
                continue;
            }
            matches.Add(new RevealedMatch(voucher.IdHex, VoucherPayload.Decode(plain)));
        }
        if (matches.Count == 0)
        {
            // The rebuilt key opens nothing: the rows taken as real were not. That happens when an
            // account sends more synthetic vouchers than the detectable hash can separate (its width
            // s), which the protocol does not allow: flag it rather than guess.
            return new ProcessingResult(false, vouchers.Count, [], 0, rejected,
                $"{opened.Count} vouchers opened but their shares do not rebuild the account key: more synthetic vouchers than the detectable hash separates (s = {DetectableHash.WidthFor(threshold)}), or forged ones; flag the account");
        }
        return new ProcessingResult(true, vouchers.Count, matches, opened.Count - shares.Count, rejected);
    }
}
