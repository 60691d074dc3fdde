using System.CommandLine;
using Vigil.Cli.Commands;

namespace Vigil.Cli;

/// <summary>The <c>vigil</c> command tree; <see cref="Run"/> is the whole program, callable in-process by tests.</summary>
internal static class VigilApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Vigil: find known harmful images by perceptual hash (PDQ), openly and exactly.")
        {
            HashCommand.Create(output, error),
            BenchCommand.Create(output, error),
            DemoCommand.Create(output, error),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine("error: " + e.Message);
            error.WriteLine($"Run 'vigil {string.Join(' ', CommandPath(parse.CommandResult.Command, root))} --help' for usage.".Replace("  ", " "));
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

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        if (command == root)
            return [];
        var path = new List<string>();
        foreach (var child in root.Subcommands)
        {
            if (child == command) return [child.Name];
            foreach (var grandchild in child.Subcommands)
                if (grandchild == command) return [child.Name, grandchild.Name];
        }
        return path;
    }
}
