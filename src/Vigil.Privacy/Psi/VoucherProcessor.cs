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
/// <param name="Problem">Why the account should be flagged (past the threshold its shares did not rebuild the key, or it sent more synthetic vouchers than the protocol allows), or null.</param>
public sealed record ProcessingResult(bool Revealed, int Vouchers, IReadOnlyList<RevealedMatch> Matches, int Synthetic, int Rejected, string? Problem = null);

/// <summary>What the server's key did to one voucher's outer layer.</summary>
public enum OuterOutcome
{
    /// <summary>No pair opened: not a match, and nothing was learned.</summary>
    Closed,

    /// <summary>A pair opened and gave the inner key (a match or a synthetic voucher).</summary>
    Opened,

    /// <summary>The voucher contradicts itself (both keys of a probe open, or probes give different keys): refused.</summary>
    Rejected,
}

/// <summary>A voucher whose outer layer opened, with the inner key rkey it gave (what a store keeps between uploads).</summary>
/// <param name="Voucher">The voucher.</param>
/// <param name="InnerKey">rkey.</param>
/// <param name="OpenedPairs">How many of its probes opened (1 in exact mode; in banded mode one per agreeing band, which is what the count leaks).</param>
public sealed record OpenedVoucher(Voucher Voucher, byte[] InnerKey, int OpenedPairs = 1);

/// <summary>
/// The server's side, per account, in two steps. <see cref="OpenOuter"/> runs once per voucher as it
/// arrives: the server key tries each outer pair (the costly part: one scalar multiplication per
/// pair). <see cref="Reveal"/> runs over the account's opened vouchers: it keeps one share per photo
/// (copies share an x-coordinate) and reveals nothing while there are at most t. Past t, the
/// detectable hash function separates real shares from synthetic ones, more than t real shares
/// rebuild the payload key, and only the real (matched) vouchers' payloads are decrypted.
/// Non-matching vouchers open nothing at any point.
/// </summary>
public static class VoucherProcessor
{
    /// <summary>Opens one voucher's outer layer with the server key.</summary>
    /// <exception cref="InvalidDataException">The voucher was made against another list version (the device and the server disagree about the list).</exception>
    public static OuterOutcome OpenOuter(IServerKey key, ulong listVersion, Voucher voucher, out OpenedVoucher? opened)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(voucher);
        opened = null;
        if (voucher.ListVersion != listVersion)
            throw new InvalidDataException($"voucher {voucher.IdHex} was made against list version {voucher.ListVersion}, but this server's list is version {listVersion}: the device holds another table");
        Span<byte> rkey = stackalloc byte[OuterLayer.InnerKeySize];
        Span<byte> candidate = stackalloc byte[OuterLayer.InnerKeySize];
        int opens = 0;
        bool agree = true;
        foreach (var pair in voucher.Pairs)
        {
            int keys = OuterLayer.Open(key, pair, candidate);
            if (keys == 0)
                continue;
            // A probe's item sits in one of its two cuckoo slots, so at most one of its keys can open.
            agree &= keys == 1;
            if (opens == 0)
                candidate.CopyTo(rkey);
            else
                agree &= candidate.SequenceEqual(rkey);
            opens++;
        }
        if (opens == 0)
            return OuterOutcome.Closed;
        // A banded voucher's probes may open several (one per band that agrees), all with the one inner key.
        if (!agree)
            return OuterOutcome.Rejected;
        opened = new OpenedVoucher(voucher, rkey.ToArray(), opens);
        return OuterOutcome.Opened;
    }

    /// <summary>
    /// Decides an account from its opened vouchers: below the threshold nothing; past it, the matched
    /// payloads. <paramref name="vouchers"/> is how many the account sent in all (reported back).
    /// </summary>
    public static ProcessingResult Reveal(int threshold, int vouchers, IReadOnlyList<OpenedVoucher> openedVouchers, int rejected = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentNullException.ThrowIfNull(openedVouchers);
        var opened = new List<(Voucher Voucher, Voucher.InnerLayer Inner)>();
        var seenX = new HashSet<Field127>();
        foreach (var candidate in openedVouchers)
        {
            var inner = candidate.Voucher.OpenInner(candidate.InnerKey, threshold);
            if (inner is null)
            {
                rejected++;
                continue;
            }
            // Copies of one photo carry one share: they count once.
            if (seenX.Add(inner.Share.X))
                opened.Add((candidate.Voucher, inner));
        }
        if (opened.Count <= threshold)
            return new ProcessingResult(false, vouchers, [], 0, rejected);

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
            return new ProcessingResult(false, vouchers, [], 0, rejected);

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
            return new ProcessingResult(false, vouchers, [], 0, rejected,
                $"{opened.Count} vouchers opened but their shares do not rebuild the account key: more synthetic vouchers than the detectable hash separates (s = {DetectableHash.WidthFor(threshold)}), or forged ones; flag the account");
        }
        int synthetic = opened.Count - shares.Count;
        int allowed = SyntheticRate.Allowed(threshold, vouchers);
        string? problem = synthetic > allowed
            ? $"{synthetic} of {vouchers} vouchers were synthetic; a device following the protocol sends at most about {allowed}: flag the account"
            : null;
        return new ProcessingResult(true, vouchers, matches, synthetic, rejected, problem);
    }

    /// <summary>Processes one account's vouchers at once (<see cref="OpenOuter"/> on each, then <see cref="Reveal"/>).</summary>
    /// <exception cref="InvalidDataException">A voucher was made against another list version (the device and the server disagree about the list).</exception>
    public static ProcessingResult Process(IServerKey key, ulong listVersion, int threshold, IReadOnlyList<Voucher> vouchers)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vouchers);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var opened = new List<OpenedVoucher>();
        int rejected = 0;
        foreach (var voucher in vouchers)
        {
            switch (OpenOuter(key, listVersion, voucher, out var open))
            {
                case OuterOutcome.Opened:
                    opened.Add(open!);
                    break;
                case OuterOutcome.Rejected:
                    rejected++;
                    break;
            }
        }
        return Reveal(threshold, vouchers.Count, opened, rejected);
    }
}
