using System.CommandLine;
using System.Text.RegularExpressions;
using Vigil.Cli.Commands;
using Vigil.Review.Evidence;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil review init-key</c>, run through a root command of its own: the <c>review</c> group that will hold it
/// is registered in <see cref="VigilApp"/> elsewhere.
/// </summary>
public sealed class ReviewKeyCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-initkey-");

    public void Dispose() => _dir.Dispose();

    private static CliResult Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var review = new Command("review", "Review") { ReviewKeyCommand.CreateInitKey(output, error) };
        var root = new RootCommand("test") { review };
        var parse = root.Parse(args);
        int code = parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return new CliResult(code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Init_key_writes_an_owner_only_key_file_and_prints_its_path_and_id_not_the_key()
    {
        string path = Path.Combine(_dir.Path, "vault.key");
        var result = Run("review", "init-key", "--out", path);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        var match = Regex.Match(result.OutputLines[0], "^created master key (mk-[0-9a-f]{16}) in (.+)$");
        Assert.True(match.Success, result.Output);
        Assert.Equal(path, match.Groups[2].Value);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        using var key = KeyFileWrapper.Load(path);
        Assert.Equal(match.Groups[1].Value, key.KeyId);
        string secret = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("key").GetString()!;
        Assert.DoesNotContain(secret, result.Output);
    }

    [Fact]
    public void Init_key_refuses_to_overwrite_with_one_error_line()
    {
        string path = Path.Combine(_dir.Path, "vault.key");
        Assert.Equal(0, Run("review", "init-key", "-o", path).ExitCode);
        byte[] before = File.ReadAllBytes(path);

        var again = Run("review", "init-key", "--out", path);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("", again.Output);
        var line = Assert.Single(again.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("already exists", line);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Init_key_into_a_missing_directory_fails_with_one_error_line()
    {
        var result = Run("review", "init-key", "--out", Path.Combine(_dir.Path, "missing", "vault.key"));
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("cannot write", line);
    }

    [Fact]
    public void Init_key_needs_the_out_option()
    {
        var parse = new RootCommand("test") { new Command("review") { ReviewKeyCommand.CreateInitKey(TextWriter.Null, TextWriter.Null) } }.Parse(["review", "init-key"]);
        Assert.NotEmpty(parse.Errors);
    }
}
