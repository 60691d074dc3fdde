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
            ClassifyCommand.Create(output, error),
            TextCommand.Create(output, error),
            ScanCommand.Create(output, error),
            ApiKeyCommand.Create(output, error),
            ActionsCommand.Create(output, error),
            AuditCommand.Create(output, error),
            ServeCommand.Create(output, error),
            BenchCommand.Create(output, error),
            DemoCommand.Create(output, error),
            PsiCommand.Create(output, error),
            WatchCommand.Create(output, error),
            GuardCommand.Create(output, error),
            DevCommand.Create(output, error),
            ReviewCommand.Create(output, error),
            ReportCommand.Create(output, error),
            ExchangeCommand.Create(output, error),
        };
        root.Options.Add(StoreOption.Db);
        root.Options.Add(StoreOption.Postgres);
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        var group = parse.CommandResult.Command;
        // A pure group ('vigil bank'): unknown subcommands and a bare group get the list; a command with arguments and
        // subcommands of its own ('vigil guard INPUT OUTPUT', 'vigil guard pack-list') reports its errors as any command.
        if (parse.Errors.Count > 0 && group.Subcommands.Count > 0 && group.Arguments.Count == 0)
        {
            var path = CommandPath(parse.CommandResult);
            string? unknown = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
            if (unknown is not null)
            {
                // One line for what went wrong, then what would have been right.
                error.WriteLine($"error: unknown command '{string.Join(' ', ["vigil", .. path, unknown])}'");
                error.WriteLine($"commands of '{string.Join(' ', ["vigil", .. path])}':");
                int width = group.Subcommands.Max(c => c.Name.Length);
                foreach (var sub in group.Subcommands)
                    error.WriteLine($"  {sub.Name.PadRight(width)}  {FirstSentence(sub.Description)}");
                return ExitCodes.Usage;
            }
            if (parse.UnmatchedTokens.Count == 0 && parse.Errors.Count == 1)
            {
                // 'vigil' or 'vigil bank' alone: the help, rather than "Required command was not provided".
                root.Parse([.. path, "--help"]).Invoke(config);
                return args.Length == 0 ? ExitCodes.Success : ExitCodes.Usage;
            }
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine("error: " + e.Message);
            error.WriteLine($"Run '{string.Join(' ', ["vigil", .. CommandPath(parse.CommandResult), "--help"])}' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(config);
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

    private static string FirstSentence(string? description)
    {
        if (string.IsNullOrEmpty(description))
            return "";
        int end = description.IndexOfAny([';', '.', ':']);
        return end > 0 ? description[..end] : description;
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
