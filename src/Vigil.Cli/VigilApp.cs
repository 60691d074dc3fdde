using System.CommandLine;
using System.CommandLine.Parsing;
using Vigil.Cli.Commands;

namespace Vigil.Cli;

/// <summary>The <c>vigil</c> command tree; <see cref="Run"/> is the whole program, callable in-process by tests.</summary>
internal static class VigilApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Vigil: find known harmful images and videos by perceptual hash (PDQ, vPDQ), openly and exactly; privately on devices too.")
        {
            HashCommand.Create(output, error),
            BankCommand.Create(output, error),
            MatchCommand.Create(output, error),
            ScanCommand.Create(output, error),
            ApiKeyCommand.Create(output, error),
            AuditCommand.Create(output, error),
            ServeCommand.Create(output, error),
            BenchCommand.Create(output, error),
            DemoCommand.Create(output, error),
            PsiCommand.Create(output, error),
            WatchCommand.Create(output, error),
        };
        root.Options.Add(StoreOption.Db);
        root.Options.Add(StoreOption.Postgres);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine("error: " + e.Message);
            error.WriteLine($"Run '{string.Join(' ', ["vigil", .. CommandPath(parse.CommandResult), "--help"])}' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            output.Flush();
            error.WriteLine($"error: {e.Message}");
            if (e.InnerException is not null)
                error.WriteLine($"  caused by: {e.InnerException.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Names of the subcommands from the root down to <paramref name="result"/>, e.g. ["bench", "hash"].</summary>
    private static List<string> CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r.Parent is CommandResult parent; r = parent)
            names.Insert(0, r.Command.Name);
        return names;
    }
}
