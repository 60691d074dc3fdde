using System.Text;
using Vigil.Reporting.Building;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;
using Vigil.Testing;

namespace Vigil.Reporting.Tests;

/// <summary>Documents of hand-built inputs, compared byte for byte with tests/fixtures/ncmec/golden (checked by hand
/// against the schema's documentation). Set VIGIL_UPDATE_GOLDEN=1 to rewrite them after a deliberate change.</summary>
public sealed class GoldenDocumentTests
{
    public static TheoryData<string> Names => ["webpage", "chat"];

    private static ReportInput Input(string name) => name switch
    {
        "webpage" => Samples.WebPage(),
        "chat" => Samples.Chat(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Report_document_equals_the_golden_file(string name)
    {
        var bytes = CyberTiplineXml.WriteReport(ReportDocumentBuilder.BuildReport(Input(name)));
        AssertGolden($"{name}-report.xml", bytes);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void File_details_documents_equal_the_golden_files(string name)
    {
        var input = Input(name);
        for (int i = 0; i < input.Items.Count; i++)
        {
            var bytes = CyberTiplineXml.WriteFileDetails(ReportDocumentBuilder.BuildFileDetails(input, i, 4_000_001, $"file{i + 1:D2}"));
            AssertGolden($"{name}-file{i + 1}.xml", bytes);
        }
    }

    [Fact]
    public void Golden_files_validate_against_the_schema_on_their_own()
    {
        var files = Directory.GetFiles(Fixtures.Path("ncmec", "golden"), "*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
            Assert.Empty(CyberTiplineSchema.Validate(File.ReadAllBytes(file)));
    }

    private static void AssertGolden(string file, byte[] actual)
    {
        string path = Fixtures.Path("ncmec", "golden", file);
        if (Environment.GetEnvironmentVariable("VIGIL_UPDATE_GOLDEN") == "1")
            File.WriteAllBytes(path, actual);
        Assert.True(File.Exists(path), $"{path} is missing (VIGIL_UPDATE_GOLDEN=1 writes it)");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(actual))
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
    }
}
