using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>Directories of symbolic links are walked as <c>find -L</c> would: links followed, loops cut, each real file once.</summary>
public class SymlinkInputTests
{
    private static readonly string BridgeMods = Fixtures.ThreatExchange("pdq/data/bridge-mods");

    /// <summary>
    /// links/a.jpg and links/b.jpg point at two fixtures, links/again.jpg at the first one again,
    /// links/sub at a real directory holding a third, links/sub/up back at links (a loop), and
    /// links/gone.jpg at nothing.
    /// </summary>
    private static string MakeLinks(TempDirectory dir)
    {
        string links = Path.Combine(dir.Path, "links");
        string real = Path.Combine(dir.Path, "real");
        Directory.CreateDirectory(links);
        Directory.CreateDirectory(real);
        File.Copy(Path.Combine(BridgeMods, "blur-a-lot.jpg"), Path.Combine(real, "c.jpg"));
        File.CreateSymbolicLink(Path.Combine(links, "a.jpg"), Path.Combine(BridgeMods, "aaa-orig.jpg"));
        File.CreateSymbolicLink(Path.Combine(links, "b.jpg"), Path.Combine(BridgeMods, "blur-a-little.jpg"));
        File.CreateSymbolicLink(Path.Combine(links, "again.jpg"), Path.Combine(BridgeMods, "aaa-orig.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(links, "sub"), real);
        Directory.CreateSymbolicLink(Path.Combine(real, "up"), links);
        return links;
    }

    [Fact]
    public void Hash_follows_links_to_files_and_directories_once_each_and_cuts_loops()
    {
        using var dir = new TempDirectory();
        string links = MakeLinks(dir);
        File.CreateSymbolicLink(Path.Combine(links, "gone.jpg"), Path.Combine(dir.Path, "missing.jpg"));

        var result = CliRunner.Run("hash", "--format", "csv", links);
        var paths = result.OutputLines.Skip(1).Select(l => l.Split(',')[0]).ToList();
        // aaa-orig.jpg is reached as a.jpg and again.jpg: taken once, under the first path in order.
        Assert.Equal([Path.Combine(links, "a.jpg"), Path.Combine(links, "b.jpg"), Path.Combine(links, "sub", "c.jpg")], paths);
        Assert.Contains($"warning: {Path.Combine(links, "sub", "up")}: symbolic link loop", result.Error);
        Assert.Contains($"{Path.Combine(links, "gone.jpg")}: broken symbolic link", result.Error);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void A_linked_directory_given_as_the_argument_is_walked()
    {
        using var dir = new TempDirectory();
        string links = MakeLinks(dir);
        string top = Path.Combine(dir.Path, "top");
        Directory.CreateSymbolicLink(top, links);

        var result = CliRunner.Run("hash", top);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(3, result.OutputLines.Length);
        Assert.DoesNotContain("no image files found", result.Error);
    }

    [Fact]
    public void Match_scan_and_bank_add_take_linked_files()
    {
        using var db = new TestDb();
        using var dir = new TempDirectory();
        string links = MakeLinks(dir);
        db.Ok("bank", "create", "KNOWN");
        var add = db.Ok("bank", "add", "KNOWN", links);
        Assert.Equal(3, db.ContentCount("KNOWN"));

        var match = db.Run("match", links);
        // Each bridge variant matches all three entries; three files are looked up.
        Assert.Equal(3, match.OutputLines.Where(l => l.Contains(": MATCH", StringComparison.Ordinal)).Select(l => l.Split(": ")[0]).Distinct().Count());

        var scan = db.Run("scan", links);
        Assert.Contains("scanned 3 images", scan.Output);
    }
}
