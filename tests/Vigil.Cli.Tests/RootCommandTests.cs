namespace Vigil.Cli.Tests;

/// <summary>The front door: `vigil` alone, a mistyped command, a group without its subcommand.</summary>
public class RootCommandTests
{
    [Fact]
    public void Vigil_alone_prints_the_help_and_exits_0()
    {
        var result = CliRunner.Run();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains("demo", result.Output);
        Assert.DoesNotContain("Required command", result.Output + result.Error);
    }

    [Fact]
    public void An_unknown_command_is_one_error_line_then_the_commands()
    {
        var result = CliRunner.Run("frobnicate");
        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: unknown command 'vigil frobnicate'", lines[0]);
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        foreach (string command in new[] { "hash", "bank", "match", "scan", "serve", "demo" })
            Assert.Contains(lines, l => l.TrimStart().StartsWith(command + " ", StringComparison.Ordinal));
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void A_group_without_its_subcommand_prints_its_help_and_an_unknown_one_lists_them()
    {
        var alone = CliRunner.Run("bank");
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("Usage:", alone.Output);
        Assert.Contains("import", alone.Output);

        var unknown = CliRunner.Run("bank", "frob");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: unknown command 'vigil bank frob'", unknown.Error);
        Assert.Contains("  import  ", unknown.Error);
    }
}
