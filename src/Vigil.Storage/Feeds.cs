using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// One PDQ hash for building a matching index: a pdq signal, or one frame of a vpdq signal (a
/// video contributes each of its matchable frames, see <see cref="VpdqSignal.MatchableHashes(string, int)"/>,
/// as one entry with the same signal id; <see cref="IsVideoFrame"/> is then set).
/// </summary>
/// <param name="SignalId">The signal's id in the store.</param>
/// <param name="ContentId">The content item it belongs to.</param>
/// <param name="BankId">The bank holding the content.</param>
/// <param name="Hash">The hash.</param>
public readonly record struct PdqFeedEntry(long SignalId, long ContentId, long BankId, PdqHash Hash)
{
    /// <summary>True when the hash is a frame of a video's vpdq signal rather than an image's pdq signal.</summary>
    public bool IsVideoFrame { get; init; }

    /// <summary>True when the hash is a <see cref="SignalType.PdqVariant"/>: a picture the bank made from an image's media, matched only by robust queries.</summary>
    public bool IsBankVariant { get; init; }
}

/// <summary>Where an exact signal value was found.</summary>
/// <param name="BankId">The bank's id.</param>
/// <param name="BankName">The bank's name.</param>
/// <param name="ContentId">The content item holding the signal.</param>
public sealed record SignalMatch(long BankId, string BankName, long ContentId);

/// <summary>Whether a change added or removed a signal.</summary>
public enum ChangeOperation
{
    /// <summary>The signal was added.</summary>
    Add,

    /// <summary>The signal was removed (with its content, or with its whole bank).</summary>
    Remove,
}

/// <summary>
/// One entry of the change sequence that replicas follow to keep their in-memory index current.
/// </summary>
/// <param name="Seq">The sequence number; increases with every change.</param>
/// <param name="BankId">The bank.</param>
/// <param name="ContentId">The content item.</param>
/// <param name="Signal">The signal added or removed.</param>
/// <param name="Operation">Add or remove.</param>
/// <param name="ChangedAt">When it happened, in UTC.</param>
public sealed record SignalChange(long Seq, long BankId, long ContentId, Signal Signal, ChangeOperation Operation, DateTimeOffset ChangedAt);
