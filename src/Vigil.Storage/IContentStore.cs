using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>The content items of banks and their signals: one at a time, by bank, and by exact signal.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IContentStore
{
    /// <summary>Adds one content item to a bank.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    /// <exception cref="DuplicateContentException">The bank holds one of its signals, or its source and source id, already.</exception>
    Task<BankContent> AddContentAsync(string bankName, NewContent content, CancellationToken cancellationToken = default);

    /// <summary>The content item with this id, or null.</summary>
    Task<BankContent?> GetContentAsync(long contentId, CancellationToken cancellationToken = default);

    /// <summary>Changes a content item's note, metadata, classification or disabled period and returns it as it now is.</summary>
    /// <exception cref="ContentNotFoundException">No content item has that id.</exception>
    Task<BankContent> UpdateContentAsync(long contentId, ContentUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Removes a content item and its signals; false if there was no such item.</summary>
    Task<bool> RemoveContentAsync(long contentId, CancellationToken cancellationToken = default);

    /// <summary>Every content item of a bank in id order (for export). The bank is looked up when enumeration starts.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    IAsyncEnumerable<BankContent> StreamContentAsync(string bankName, CancellationToken cancellationToken = default);

    /// <summary>How many content items a bank holds.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<long> CountContentAsync(string bankName, CancellationToken cancellationToken = default);

    /// <summary>How many signals of one type all the banks hold (a scan of the signals: for status pages, not per lookup).</summary>
    Task<long> CountSignalsAsync(SignalType type, CancellationToken cancellationToken = default);

    /// <summary>Every content item's bank, in no particular order (a matcher keeps them in memory to decide matches without a read per match).</summary>
    IAsyncEnumerable<ContentBank> StreamContentBanksAsync(CancellationToken cancellationToken = default);

    /// <summary>The content items disabled at <paramref name="now"/> (<c>disabled_until</c> later than it), with when each matches again.</summary>
    Task<IReadOnlyList<DisabledContent>> ListDisabledContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Every content item, in any bank, holding exactly this signal (whatever the bank's or content's enabled state).</summary>
    Task<IReadOnlyList<SignalMatch>> LookupSignalAsync(Signal signal, CancellationToken cancellationToken = default);
}
