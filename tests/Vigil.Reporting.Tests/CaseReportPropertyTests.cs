using System.Text;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Signals;
using Vigil.Reporting.Building;
using Vigil.Reporting.Xml;
using Vigil.Storage;

namespace Vigil.Reporting.Tests;

/// <summary>Random reviewed cases (<see cref="RandomCases"/>) through <see cref="CaseReportInput.From"/> to the documents NCMEC gets.</summary>
public sealed class CaseReportPropertyTests
{
    private static readonly Arbitrary<int> s_seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();

    private static readonly Dictionary<IncidentKind, string> s_elements = new()
    {
        [IncidentKind.WebPage] = "webPageIncident",
        [IncidentKind.Email] = "emailIncident",
        [IncidentKind.Newsgroup] = "newsgroupIncident",
        [IncidentKind.Chat] = "chatImIncident",
        [IncidentKind.OnlineGaming] = "onlineGamingIncident",
        [IncidentKind.CellPhone] = "cellPhoneIncident",
        [IncidentKind.NonInternet] = "nonInternetIncident",
        [IncidentKind.PeerToPeer] = "peer2peerIncident",
    };

    [Fact]
    public void Every_case_decided_report_with_something_to_file_makes_valid_documents_with_one_fileDetails_per_confirmed_file()
    {
        Prop.ForAll(s_seeds, seed =>
        {
            var details = RandomCases.Make(new Random(seed));
            var confirmed = details.Items.Where(i => i.Verdict == ItemVerdict.Confirmed).ToList();
            var filed = confirmed.Where(i => i.HasMedia && Md5(i) is not null).ToList();
            var hashOnly = confirmed.Where(i => !filed.Contains(i)).ToList();
            var kinds = confirmed.Select(i => i.Details.Context.IncidentKind ?? (IsHttp(i.Details.Context.Url) ? IncidentKind.WebPage : (IncidentKind?)null))
                .OfType<IncidentKind>().Distinct().ToList();

            string? refusal = details.Case.Verdict != CaseVerdict.Report ? "is not decided report"
                : filed.Count == 0 ? "no confirmed item with media"
                : kinds.Count == 0 ? "no confirmed item says where it was shared"
                : null;
            if (refusal is not null)
            {
                Assert.Contains(refusal, Assert.Throws<ArgumentException>(() => CaseReportInput.From(details, Samples.Reporter)).Message);
                return true;
            }

            var input = CaseReportInput.From(details, Samples.Reporter);
            byte[] reportXml = CyberTiplineXml.WriteReport(ReportDocumentBuilder.BuildReport(input)); // throws when invalid
            Assert.Empty(CyberTiplineSchema.Validate(reportXml));
            var report = Parse(reportXml);
            Assert.Equal(kinds.Select(k => s_elements[k]), report.Elements("internetDetails").Select(d => d.Elements().Single().Name.LocalName));
            var webUrls = report.Descendants("webPageIncident").Elements("url").Select(u => u.Value).ToList();
            Assert.Equal(confirmed.Where(i => i.Details.Context.IncidentKind is null or IncidentKind.WebPage && IsHttp(i.Details.Context.Url))
                .Select(i => i.Details.Context.Url!).Distinct().Select(XmlText.Strip), webUrls);
            if (hashOnly.Count > 0)
                Assert.Contains($"(items {string.Join(", ", hashOnly.Select(i => i.Id))})", report.Element("additionalInfo")!.Value);
            if (details.Items.Select(i => i.Details.Context.ScreenName).FirstOrDefault(s => s is not null) is { } screenName
                && XmlText.Strip(screenName) is { Length: > 0 } shown)
                Assert.Equal(shown, report.Descendants("screenName").Single().Value);

            Assert.Equal(filed.Count, input.Items.Count);
            for (int i = 0; i < input.Items.Count; i++)
            {
                byte[] fileXml = CyberTiplineXml.WriteFileDetails(ReportDocumentBuilder.BuildFileDetails(input, i, 1 + seed, "f" + i));
                Assert.Empty(CyberTiplineSchema.Validate(fileXml));
                var file = Parse(fileXml);
                var item = filed[i];
                Assert.Equal(item.ViewedClear, bool.Parse(file.Element("fileViewedByEsp")!.Value));
                Assert.False(bool.Parse(file.Element("exifViewedByEsp")!.Value));
                Assert.Equal(item.Details.Context.PubliclyAvailable, file.Element("publiclyAvailable") is { } p ? bool.Parse(p.Value) : null);
                Assert.Equal(item.Classification.ToString(), file.Element("industryClassification")!.Value);
                Assert.Equal(Md5(item), file.Element("originalFileHash")!.Value);
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static XElement Parse(byte[] xml) => XDocument.Parse(Encoding.UTF8.GetString(xml), LoadOptions.PreserveWhitespace).Root!;

    private static string? Md5(CaseItem item) =>
        item.Details.Signals.Where(s => s.Type == SignalType.Md5 || s.Type == SignalType.VideoMd5).Select(s => s.Value).FirstOrDefault();

    private static bool IsHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
