using Vigil.Hashing.Signals;
using Vigil.Storage;

namespace Vigil.Reporting.Tests;

/// <summary>
/// Random, synthetic reviewed cases from a seed, as the case store gives them to <c>CaseReportInput.From</c>: items of
/// every verdict, with and without media (hash-only), revealed or not, photo or video MD5, and contexts whose text is
/// hostile (<see cref="RandomInputs.Text"/>), whose URL is http(s), another scheme or no URL at all, and whose incident
/// kind and public flag are given or not. Values the store refuses (a bad hash, a port out of range, a confirmed item
/// without a classification) are never made: the store's checks keep them out of real cases.
/// </summary>
internal static class RandomCases
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static CaseDetails Make(Random rng)
    {
        const long caseId = 41;
        string subject = "u" + RandomInputs.Text(rng);
        var items = Enumerable.Range(1, rng.Next(1, 7)).Select(id => Item(rng, caseId, id, subject)).ToList();
        string decidedBy = "r" + RandomInputs.Text(rng);
        var verdict = rng.Next(8) == 0 ? Pick(rng, CaseVerdict.NoReport, CaseVerdict.Escalate) : CaseVerdict.Report;
        var reviewCase = new ReviewCase
        {
            Id = caseId,
            Subject = subject,
            Status = CaseStatus.Decided,
            Priority = rng.Next(1, CasePriority.Lowest + 1),
            Escalated = rng.Next(4) == 0,
            ItemCount = items.Count,
            OpenedAt = T0.AddMinutes(rng.Next(-10_000, 10_000)),
            UpdatedAt = T0.AddDays(3),
            Verdict = verdict,
            DecidedBy = decidedBy,
            DecidedAt = T0.AddDays(3),
            FirstReportBy = Pick<string?>(rng, null, decidedBy, "s" + RandomInputs.Text(rng)),
            LegalHold = false,
        };
        return new CaseDetails(reviewCase, items, []);
    }

    private static CaseItem Item(Random rng, long caseId, int id, string subject)
    {
        ItemVerdict? verdict = rng.Next(6) == 0 ? null : Pick(rng, ItemVerdict.Confirmed, ItemVerdict.Confirmed, ItemVerdict.Confirmed, ItemVerdict.NotAbuse,
            ItemVerdict.Escalate, ItemVerdict.Skip);
        bool video = rng.Next(4) == 0;
        var signals = new List<Signal>();
        if (rng.Next(8) != 0)
            signals.Add(new Signal(video ? SignalType.VideoMd5 : SignalType.Md5, Hex(rng, 32)));
        if (!video && rng.Next(3) != 0)
            signals.Add(new Signal(SignalType.Pdq, Hex(rng, 64)));
        bool media = rng.Next(4) != 0;
        var uploaded = rng.Next(5) == 0 ? (DateTimeOffset?)null : T0.AddMinutes(rng.Next(-100_000, 100_000)).ToOffset(TimeSpan.FromHours(rng.Next(-12, 15)));
        return new CaseItem
        {
            Id = id,
            CaseId = caseId,
            Details = new NewCaseItem
            {
                Subject = subject,
                Source = Pick(rng, "api", "scan", "psi", "watch", "classifier"),
                Reason = rng.Next(4) == 0 ? "user_report" : null,
                Priority = rng.Next(1, CasePriority.Lowest + 1),
                Signals = signals,
                Matches = [.. Enumerable.Range(0, rng.Next(3)).Select(_ => new CaseMatch("b" + RandomInputs.Text(rng), rng.Next(1, 1000),
                    Pick(rng, "pdq", "md5", "vpdq"), rng.Next(32), Pick<string?>(rng, null, "A1", "B2"), [RandomInputs.Text(rng)],
                    rng.Next(2) == 0 ? null : RandomInputs.Text(rng), rng.Next(2) == 0 ? null : RandomInputs.Text(rng)))],
                Context = new ItemContext
                {
                    ScreenName = Maybe(rng),
                    Email = rng.Next(3) == 0 ? null : RandomInputs.Text(rng) + "@example.org",
                    FileName = Maybe(rng),
                    UploadedAt = uploaded,
                    Ip = rng.Next(3) switch { 0 => null, 1 => $"198.51.100.{rng.Next(256)}", _ => RandomInputs.Text(rng) },
                    Port = rng.Next(2) == 0 ? null : rng.Next(65536),
                    Url = rng.Next(5) switch
                    {
                        0 => null,
                        1 => "ftp://example.org/" + RandomInputs.Text(rng),
                        2 => RandomInputs.Text(rng),
                        3 => "http://example.org/" + RandomInputs.Text(rng),
                        _ => "https://example.com/p/" + RandomInputs.Text(rng),
                    },
                    IncidentKind = rng.Next(2) == 0 ? null : Pick(rng, Enum.GetValues<IncidentKind>()),
                    PubliclyAvailable = rng.Next(3) == 0 ? null : rng.Next(2) == 0,
                },
            },
            HasMedia = media,
            MediaType = media ? (video ? "video/mp4" : "image/jpeg") : null,
            HasThumbnail = false,
            Verdict = verdict,
            Classification = verdict == ItemVerdict.Confirmed ? Pick(rng, Enum.GetValues<IndustryClassification>()) : null,
            DecidedBy = verdict is null ? null : "r" + RandomInputs.Text(rng),
            DecidedAt = verdict is null ? null : T0.AddDays(2),
            ViewedClear = rng.Next(2) == 0,
            CreatedAt = uploaded ?? T0,
        };
    }

    private static string? Maybe(Random rng) => rng.Next(3) == 0 ? null : RandomInputs.Text(rng);

    private static T Pick<T>(Random rng, params T[] values) => values[rng.Next(values.Length)];

    private static string Hex(Random rng, int length) => string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[rng.Next(16)]));
}
