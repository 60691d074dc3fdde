namespace Vigil.Storage;

/// <summary>The review cases reveals (and, later, other matches) create, for reviewers to read.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IReviewCaseStore
{
    /// <summary>Review cases with an id above <paramref name="afterId"/>, in id order, at most <paramref name="limit"/>, of one status or all (null).</summary>
    Task<IReadOnlyList<ReviewCase>> ListReviewCasesAsync(ReviewCaseStatus? status, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>The review case with this id, or null.</summary>
    Task<ReviewCase?> GetReviewCaseAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The case's thumbnail bytes; null when there is no such case or it has none.</summary>
    Task<byte[]?> GetReviewCaseThumbnailAsync(long id, CancellationToken cancellationToken = default);
}
