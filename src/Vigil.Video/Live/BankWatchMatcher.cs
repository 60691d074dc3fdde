using Vigil.Banks;
using Vigil.Hashing.Pdq;

namespace Vigil.Video;

/// <summary>
/// <see cref="IWatchMatcher"/> over a <see cref="BankMatcher"/>: the in-memory index and the banks'
/// rules (enabled banks and content only, the banks asked for, negative banks suppress), with no
/// store reads per frame.
/// </summary>
/// <param name="matcher">The loaded bank matcher.</param>
public sealed class BankWatchMatcher(BankMatcher matcher) : IWatchMatcher
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<WatchMatch>> MatchAsync(PdqHash hash, int maxDistance, CancellationToken cancellationToken)
    {
        var outcome = await matcher.MatchAsync([hash], maxDistance, md5: null, withContent: false, cancellationToken);
        if (outcome.Matches.Count == 0)
            return [];
        var matches = new WatchMatch[outcome.Matches.Count];
        for (int i = 0; i < matches.Length; i++)
        {
            var m = outcome.Matches[i];
            matches[i] = new WatchMatch(m.Bank.Name, m.ContentId, m.Distance);
        }
        return matches;
    }
}
