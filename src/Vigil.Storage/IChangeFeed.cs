namespace Vigil.Storage;

/// <summary>The signals a matching index is built from, and the change sequence it follows afterwards.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IChangeFeed
{
    /// <summary>
    /// Every PDQ signal of the named banks (or, when <paramref name="bankNames"/> is null, of every
    /// enabled bank) for building a matching index, leaving out content disabled at the time of the
    /// call unless <paramref name="includeDisabledContent"/> is set (an index that checks
    /// <see cref="BankContent.DisabledUntil"/> at match time wants it all: re-enabling by the
    /// passing of time is not in the change log). Named banks are included even when disabled.
    /// </summary>
    /// <remarks>
    /// The feed reads one consistent snapshot, but does not say which change it reflects: to follow
    /// the change sequence from a feed, use <see cref="ReadPdqSignalsAsync"/>, which does.
    /// </remarks>
    /// <exception cref="BankNotFoundException">A named bank does not exist.</exception>
    IAsyncEnumerable<PdqFeedEntry> StreamPdqSignalsAsync(IReadOnlyCollection<string>? bankNames = null,
        bool includeDisabledContent = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every PDQ signal in the store, of every bank (enabled or not) and every content item
    /// (disabled or not), and every matchable frame of every vpdq signal (quality at least 50,
    /// identical hashes once per signal; <see cref="PdqFeedEntry.IsVideoFrame"/> set), and every
    /// pdq_variant signal (<see cref="PdqFeedEntry.IsBankVariant"/> set), passing each
    /// to <paramref name="onEntry"/>, and returns the sequence number
    /// of the latest change the read reflects: the signals and the number come from one consistent
    /// snapshot of the store, so every change up to the number is in what was read and none after
    /// it. Replaying the changes after the number (<see cref="ReadChangesAsync"/>) on top of what was
    /// read is therefore exact: nothing is applied twice, nothing missed. This is what a matching
    /// index that follows the change log is built from.
    /// </summary>
    /// <param name="onEntry">Called for each signal, in no particular order.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<long> ReadPdqSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ReadPdqSignalsAsync"/> for the pdq_variant signals alone: what an index loaded from a snapshot of
    /// the plain PDQ hashes reads beside it. Returns the sequence number of the latest change the read reflects.
    /// </summary>
    /// <param name="onEntry">Called for each signal, in no particular order.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<long> ReadPdqVariantSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default);

    /// <summary>
    /// The sequence number of the latest change, or 0 when nothing has changed yet. Every change with a
    /// lower number is committed (or was rolled back, leaving its number unused) by the time this one
    /// is visible: numbers are committed in order, in both stores.
    /// </summary>
    Task<long> GetLatestChangeSeqAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> changes with a sequence number above <paramref name="afterSeq"/>,
    /// in order. Numbers are committed in order (see <see cref="GetLatestChangeSeqAsync"/>), so a
    /// follower that asks for the changes after the last number it applied never misses one and never
    /// sees one twice; numbers may have gaps (rolled-back transactions), never repeats.
    /// </summary>
    Task<IReadOnlyList<SignalChange>> ReadChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken = default);
}
