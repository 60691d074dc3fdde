namespace Vigil.Reporting.Delivery;

/// <summary>What the rest of Vigil learns from the outbox: a case filed, or a report stopped for good.</summary>
public interface IReportOutcomes
{
    /// <summary>The hotline finished report <paramref name="hotlineReportId"/> about <paramref name="caseId"/>: mark the case reported.</summary>
    Task FiledAsync(long caseId, long hotlineReportId, DateTimeOffset? preserveUntil, CancellationToken cancellationToken);

    /// <summary>The report about <paramref name="caseId"/> stopped on a permanent failure.</summary>
    Task FailedAsync(long caseId, long? hotlineReportId, string error, CancellationToken cancellationToken);
}

/// <summary>The outcomes through the review service: the case marked reported (audited, <c>report_filed</c> raised) or the failure audited and <c>report_failed</c> raised.</summary>
public sealed class ReviewReportOutcomes(Vigil.Review.ReviewService review, string actor) : IReportOutcomes
{
    /// <inheritdoc/>
    public async Task FiledAsync(long caseId, long hotlineReportId, DateTimeOffset? preserveUntil, CancellationToken cancellationToken)
    {
        // NotOpen means it is marked already (a resumed finish); both are done.
        await review.MarkReportedAsync(caseId, hotlineReportId.ToString(System.Globalization.CultureInfo.InvariantCulture), actor, preserveUntil,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task FailedAsync(long caseId, long? hotlineReportId, string error, CancellationToken cancellationToken) =>
        review.ReportFailedAsync(caseId, hotlineReportId?.ToString(System.Globalization.CultureInfo.InvariantCulture), error, actor, cancellationToken);
}
