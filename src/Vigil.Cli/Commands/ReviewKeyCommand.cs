using System.CommandLine;
using Vigil.Review.Evidence;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil review init-key --out FILE</c>: writes a new master key file for the evidence vault (mode 0600, never
/// overwriting), and prints its path and id, never the key. The <c>review</c> command adds it as a subcommand.
/// </summary>
internal static class ReviewKeyCommand
{
    /// <summary>The <c>init-key</c> command, writing to <paramref name="output"/> and reporting failures on <paramref name="error"/>.</summary>
    public static Command CreateInitKey(TextWriter output, TextWriter error)
    {
        var outPath = new Option<string>("--out", "-o")
        {
            Description = "Where to write the new key file; it must not exist yet",
            HelpName = "FILE",
            Required = true,
        };
        var command = new Command("init-key",
            "Create the evidence vault's master key: 256 random bits in a new file readable by its owner only (mode 0600). " +
            "Prints the file and the key's id, never the key. Keep a copy offline: without it sealed media cannot be opened")
        {
            outPath,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(outPath)!;
            try
            {
                using var key = KeyFileWrapper.Create(path);
                output.WriteLine($"created master key {key.KeyId} in {key.Path}");
                output.WriteLine("keep a copy of this file somewhere safe and offline: without it the media sealed under it cannot be opened");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is KeyFileException or ArgumentException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
