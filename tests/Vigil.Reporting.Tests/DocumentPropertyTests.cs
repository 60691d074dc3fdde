using System.Text;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Reporting.Building;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;

namespace Vigil.Reporting.Tests;

public sealed class DocumentPropertyTests
{
    private static readonly Arbitrary<int> s_seeds = Gen.Choose(0, int.MaxValue).ToArbitrary();

    [Fact]
    public void Every_document_built_from_a_random_input_validates_against_the_schema()
    {
        Prop.ForAll(s_seeds, seed =>
        {
            var input = RandomInputs.Make(new Random(seed));
            var report = CyberTiplineXml.WriteReport(ReportDocumentBuilder.BuildReport(input)); // throws if invalid
            Assert.Empty(CyberTiplineSchema.Validate(report));
            for (int i = 0; i < input.Items.Count; i++)
            {
                var file = CyberTiplineXml.WriteFileDetails(ReportDocumentBuilder.BuildFileDetails(input, i, 1 + seed, "f" + i));
                Assert.Empty(CyberTiplineSchema.Validate(file));
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Text_comes_back_exactly_as_given_less_the_characters_XML_cannot_carry()
    {
        Prop.ForAll(s_seeds, seed =>
        {
            var rng = new Random(seed);
            var input = RandomInputs.Make(rng) with { Platform = "p" + RandomInputs.Text(rng, 30), AdditionalInfo = "i" + RandomInputs.Text(rng, 30) };
            var chat = new ChatImIncident { ChatRoomName = "r" + RandomInputs.Text(rng, 30), Content = "c" + RandomInputs.Text(rng, 30) };
            input = input with { InternetDetails = [chat] };
            var doc = XDocument.Parse(Encoding.UTF8.GetString(CyberTiplineXml.WriteReport(ReportDocumentBuilder.BuildReport(input))), LoadOptions.PreserveWhitespace);
            var root = doc.Root!;
            Assert.Equal(XmlText.Strip(input.Platform!), root.Element("incidentSummary")!.Element("platform")!.Value);
            Assert.Equal(XmlText.Strip(input.AdditionalInfo!), root.Element("additionalInfo")!.Value);
            var parsedChat = root.Element("internetDetails")!.Element("chatImIncident")!;
            Assert.Equal(XmlText.Strip(chat.ChatRoomName!), parsedChat.Element("chatRoomName")!.Value);
            Assert.Equal(XmlText.Strip(chat.Content!), parsedChat.Element("content")!.Value);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x00)]
    [InlineData(0xFFFE)]
    [InlineData(0xD800)] // a lone surrogate
    [InlineData(0x1B)]
    public void The_writer_refuses_a_control_character_and_names_the_field(int code)
    {
        string bad = (char)code + "[31m";
        var report = ReportDocumentBuilder.BuildReport(Samples.WebPage());
        var users = report.PersonOrUserReported.ToList();
        users[0] = users[0] with { ScreenName = "user" + bad };
        var e = Assert.Throws<CyberTiplineDocumentException>(() => CyberTiplineXml.WriteReport(report with { PersonOrUserReported = users }));
        Assert.Equal("report/personOrUserReported/screenName", e.Errors[0].Path);
        Assert.Contains($"U+{(int)bad[0]:X4}", e.Message);
        Assert.Contains("report/personOrUserReported/screenName", e.Message);
    }

    [Fact]
    public void The_builder_strips_control_characters_cleanly()
    {
        var input = Samples.WebPage() with { Platform = "Ex\u0001am\u0000ple\u001B Photos\uFFFF 🐦" };
        var report = ReportDocumentBuilder.BuildReport(input);
        Assert.Equal("Example Photos 🐦", report.IncidentSummary.Platform);
        Assert.Null(ReportDocumentBuilder.BuildReport(input with { Platform = "\u0001\u0002" }).IncidentSummary.Platform);
    }

    [Fact]
    public void A_schema_violation_names_the_element_and_the_schema_complaint()
    {
        var report = ReportDocumentBuilder.BuildReport(Samples.WebPage());
        var bad = report with { InternetDetails = [new NonInternetIncident { IncidentAddresses = [new Address { Country = "Atlantis" }] }] };
        var e = Assert.Throws<CyberTiplineDocumentException>(() => CyberTiplineXml.WriteReport(bad));
        Assert.Equal("report", e.Document);
        Assert.Equal("report/internetDetails/nonInternetIncident/incidentAddress/country", e.Errors[0].Path);
        Assert.Contains("Atlantis", e.Errors[0].Message);
        Assert.Contains("report/internetDetails/nonInternetIncident/incidentAddress/country", e.Message);

        var phone = report with { Reporter = report.Reporter with { ReportingPerson = new Person { Phones = [new Phone { Number = "1", CountryCallingCode = "1" }] } } };
        var e2 = Assert.Throws<CyberTiplineDocumentException>(() => CyberTiplineXml.WriteReport(phone));
        Assert.Equal("report/reporter/reportingPerson/phone/@countryCallingCode", e2.Errors[0].Path);
    }

    [Fact]
    public void Builder_errors_name_the_input_field()
    {
        var input = Samples.WebPage();
        var items = input.Items.ToList();
        items[1] = items[1] with { Md5 = "not-a-hash" };
        Assert.Contains("Items[1].Md5", Assert.Throws<ArgumentException>(() => ReportDocumentBuilder.BuildReport(input with { Items = items })).Message);
        var noTime = input with { Items = [.. input.Items.Select(i => i with { UploadedAt = null })] };
        Assert.Contains("IncidentDateTime", Assert.Throws<ArgumentException>(() => ReportDocumentBuilder.BuildReport(noTime)).Message);
        var noPlace = input with { Items = [.. input.Items.Select(i => i with { Location = null })] };
        Assert.Contains("InternetDetails", Assert.Throws<ArgumentException>(() => ReportDocumentBuilder.BuildReport(noPlace)).Message);
    }

    [Fact]
    public void The_earliest_upload_is_the_incident_time_and_a_hash_only_item_says_it_was_not_viewed()
    {
        var input = Samples.WebPage();
        Assert.Equal(Samples.FirstUpload, ReportDocumentBuilder.BuildReport(input).IncidentSummary.IncidentDateTime);
        var viewed = ReportDocumentBuilder.BuildFileDetails(input, 0, 1, "a");
        var hashOnly = ReportDocumentBuilder.BuildFileDetails(input, 1, 1, "b");
        Assert.True(viewed.FileViewedByEsp);
        Assert.Empty(viewed.AdditionalInfo);
        Assert.False(hashOnly.FileViewedByEsp);
        Assert.Contains("not viewed by a person", Assert.Single(hashOnly.AdditionalInfo));
        Assert.Equal(new FileHash("MD5", "0123456789abcdef0123456789abcdef"), Assert.Single(viewed.OriginalFileHashes));
        Assert.Contains(new KeyValuePair<string, string>("PDQ", new string('f', 64)), viewed.Details.Single().Pairs);
    }

    [Fact]
    public void Response_documents_round_trip()
    {
        Prop.ForAll(s_seeds, seed =>
        {
            var rng = new Random(seed);
            var response = new ReportResponse
            {
                ResponseCode = rng.Next(3) == 0 ? 0 : rng.Next(int.MinValue, int.MaxValue),
                ResponseDescription = XmlText.Strip(RandomInputs.Text(rng, 20)),
                ReportId = rng.Next(2) == 0 ? rng.NextInt64() : null,
                FileId = rng.Next(2) == 0 ? Convert.ToHexString(BitConverter.GetBytes(rng.NextInt64())) : null,
                Hash = rng.Next(2) == 0 ? Convert.ToHexStringLower(BitConverter.GetBytes(rng.NextInt64())) : null,
            };
            Assert.Equal(response, CyberTiplineXml.ReadReportResponse(CyberTiplineXml.WriteReportResponse(response)));
            var done = new ReportDoneResponse
            {
                ResponseCode = rng.Next(-5, 6000),
                ReportId = rng.NextInt64(),
                FileIds = [.. Enumerable.Range(0, rng.Next(5)).Select(i => $"file-{rng.Next()}-{i}")],
            };
            var back = CyberTiplineXml.ReadReportDoneResponse(CyberTiplineXml.WriteReportDoneResponse(done));
            Assert.Equal((done.ResponseCode, done.ReportId), (back.ResponseCode, back.ReportId));
            Assert.Equal(done.FileIds, back.FileIds);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Response_reader_refuses_a_DTD_and_a_document_without_a_code()
    {
        const string bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><reportResponse><responseCode>0</responseCode><responseDescription>&a;</responseDescription></reportResponse>";
        Assert.Throws<CyberTiplineProtocolException>(() => CyberTiplineXml.ReadReportResponse(Encoding.UTF8.GetBytes(bomb)));
        Assert.Throws<CyberTiplineProtocolException>(() => CyberTiplineXml.ReadReportResponse("<reportResponse><responseDescription/></reportResponse>"u8));
        Assert.Throws<CyberTiplineProtocolException>(() => CyberTiplineXml.ReadReportResponse("<html>503</html>"u8));
        var ok = CyberTiplineXml.ReadReportResponse("<reportResponse><responseCode>0</responseCode><responseDescription>Success</responseDescription><reportId>42</reportId><extra>ignored</extra></reportResponse>"u8);
        Assert.Equal(42, ok.ReportId);
    }
}
